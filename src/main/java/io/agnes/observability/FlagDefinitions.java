package io.agnes.observability;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The project's flag definitions as PostHog's {@code local_evaluation} endpoint sends them, and the evaluation of
 * the flags Agnes can decide without asking PostHog.
 *
 * <p>Decided here (the same answer PostHog's servers give, by PostHog's own algorithm):
 * <ul>
 * <li>an inactive or deleted flag: not in effect, so the caller's default applies, as for a flag PostHog does not
 * know (PostHog's SDKs answer {@code false} here; Agnes' callers give a default precisely for "no flag");</li>
 * <li>release conditions WITHOUT property filters, each with an optional rollout percentage: the distinct id is in
 * a condition's rollout when {@code hash(key, id) <= percentage / 100}, where {@code hash} is the first 15 hex
 * digits of {@code sha1("<flag key>.<distinct id>")} divided by {@code 0xFFFFFFFFFFFFFFF}; conditions that
 * override the variant are tried first, then the others, each group in its order; the first match wins;</li>
 * <li>multivariate flags: the condition's variant override when it names a variant, else the variant whose
 * cumulative range {@code [min, max)} holds {@code hash(key, id, salt "variant")}; weights below 100 % leave a range
 * with no variant, where the flag is simply on;</li>
 * <li>payloads: {@code filters.payloads["true"]} or {@code [variant]}, only when the flag is on.</li>
 * </ul>
 * Everything else is left to PostHog ({@link Decision#ASK_POSTHOG}): conditions with any property
 * filter (person properties, cohorts, other flags: Agnes sends no person properties, so it cannot decide them),
 * group flags, experience continuity, device-id bucketing, holdouts and early-access super groups, and any shape
 * this code does not recognise. Unlike PostHog's SDKs, a flag with one undecidable condition is not decided
 * from its other conditions: the first matching condition picks the variant, and only PostHog knows which it is.
 */
final class FlagDefinitions {

    static final FlagDefinitions NONE = new FlagDefinitions(Map.of());

    /**
     * What local evaluation concluded: a value, "not in effect" ({@code decided} with no value: the caller's
     * default), or "ask PostHog" (not decided).
     */
    record Decision(boolean decided, FlagResult value) {

        static final Decision ASK_POSTHOG = new Decision(false, null);
        static final Decision NOT_IN_EFFECT = new Decision(true, null);

        static Decision of(FlagResult value) {
            return new Decision(true, value);
        }
    }

    /** 2^60 − 1: the largest value of 15 hex digits. */
    private static final double LONG_SCALE = 0xFFFFFFFFFFFFFFFL;

    private final Map<String, JsonObject> flags;

    private FlagDefinitions(Map<String, JsonObject> flags) {
        this.flags = flags;
    }

    /**
     * @param document the endpoint's answer: {@code {"flags": [{key, active, filters, …}], …}}
     * @throws IllegalArgumentException when it has no {@code flags} array
     */
    static FlagDefinitions parse(JsonObject document) {
        if (!(document.get("flags") instanceof JsonArray list)) {
            throw new IllegalArgumentException("the answer has no \"flags\" array");
        }
        Map<String, JsonObject> byKey = new LinkedHashMap<>();
        for (JsonValue item : list) {
            if (item instanceof JsonObject flag && flag.get("key") instanceof JsonString key) {
                byKey.putIfAbsent(key.getString(), flag);
            }
        }
        return new FlagDefinitions(Map.copyOf(byKey));
    }

    int size() {
        return flags.size();
    }

    /** Every flag key in the definitions, in the order PostHog listed them. */
    Set<String> keys() {
        return flags.keySet();
    }

    /**
     * The flag's value for {@code distinctId}; {@link Decision#ASK_POSTHOG} when it cannot be decided here (a flag
     * not in the definitions, or one whose conditions need what only PostHog knows).
     */
    Decision evaluate(String key, String distinctId) {
        JsonObject flag = flags.get(key);
        if (flag == null) {
            return Decision.ASK_POSTHOG;
        }
        if (isTrue(flag, "deleted") || !isTrue(flag, "active")) {
            return Decision.NOT_IN_EFFECT;
        }
        try {
            FlagResult value = decide(key, distinctId, flag);
            return value == null ? Decision.ASK_POSTHOG : Decision.of(value);
        } catch (RuntimeException unexpectedShape) {
            return Decision.ASK_POSTHOG; // a field of a type this code does not expect: PostHog knows what it means
        }
    }

    /** The value of an active flag, or {@code null} when only PostHog can decide it. */
    private static FlagResult decide(String key, String distinctId, JsonObject flag) {
        if (isTrue(flag, "ensure_experience_continuity")) {
            return null;
        }
        JsonObject filters = flag.get("filters") instanceof JsonObject f ? f : JsonValue.EMPTY_JSON_OBJECT;
        if (isSet(filters, "aggregation_group_type_index") || !isNullOrDistinctId(flag, "bucketing_identifier")
                || !isNullOrDistinctId(filters, "bucketing_identifier") || isSet(filters, "holdout")
                || isSet(filters, "holdout_groups") || isSet(filters, "super_groups")) {
            return null;
        }
        List<JsonObject> conditions = objects(filters.get("groups"));
        if (conditions == null) {
            return null;
        }
        for (JsonObject condition : conditions) {
            if (isSet(condition, "properties")) {
                return null;
            }
        }
        Map<String, Double> variants = variants(filters);
        if (variants == null) {
            return null;
        }
        // PostHog's servers try conditions that override the variant first, the others after, each in their order
        List<JsonObject> ordered = new java.util.ArrayList<>(conditions);
        ordered.sort(java.util.Comparator.comparingInt(c -> c.get("variant") instanceof JsonString ? 0 : 1));
        for (JsonObject condition : ordered) {
            JsonValue rollout = condition.get("rollout_percentage");
            boolean matches;
            if (rollout == null || rollout.getValueType() == JsonValue.ValueType.NULL) {
                matches = true;
            } else if (rollout instanceof JsonNumber percentage) {
                matches = hash(key, distinctId, "") <= percentage.doubleValue() / 100;
            } else {
                return null;
            }
            if (matches) {
                String variant = condition.get("variant") instanceof JsonString override
                        && variants.containsKey(override.getString())
                        ? override.getString() : matchingVariant(key, distinctId, variants);
                return new FlagResult(true, variant, payload(filters, variant == null ? "true" : variant));
            }
        }
        return FlagResult.OFF;
    }

    /**
     * PostHog's bucketing hash: a number in [0, 1], the same for the same flag, id and salt in every PostHog SDK
     * and on PostHog's servers.
     */
    static double hash(String key, String distinctId, String salt) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + "." + distinctId + salt).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
        long first8 = 0;
        for (int i = 0; i < 8; i++) {
            first8 = (first8 << 8) | (digest[i] & 0xff);
        }
        // the first 15 hex digits are the top 60 of these 64 bits
        return (first8 >>> 4) / LONG_SCALE;
    }

    /** Variant keys with their weights in declared order; {@code null} when the list is malformed. */
    private static Map<String, Double> variants(JsonObject filters) {
        Map<String, Double> variants = new LinkedHashMap<>();
        if (!(filters.get("multivariate") instanceof JsonObject multivariate)) {
            return variants;
        }
        List<JsonObject> list = objects(multivariate.get("variants"));
        if (list == null) {
            return null;
        }
        for (JsonObject variant : list) {
            if (!(variant.get("key") instanceof JsonString variantKey)
                    || !(variant.get("rollout_percentage") instanceof JsonNumber weight)) {
                return null;
            }
            if (variants.put(variantKey.getString(), weight.doubleValue()) != null) {
                return null; // a key twice: PostHog's ranges would not be these
            }
        }
        return variants;
    }

    /** The variant whose cumulative range holds the id's variant hash; {@code null} outside every range. */
    private static String matchingVariant(String key, String distinctId, Map<String, Double> variants) {
        if (variants.isEmpty()) {
            return null;
        }
        double hash = hash(key, distinctId, "variant");
        double min = 0;
        for (Map.Entry<String, Double> variant : variants.entrySet()) {
            // the same running sum, in the same floating-point order, as PostHog's lookup table
            double max = min + variant.getValue() / 100;
            if (hash >= min && hash < max) {
                return variant.getKey();
            }
            min = max;
        }
        return null;
    }

    private static String payload(JsonObject filters, String valueKey) {
        if (!(filters.get("payloads") instanceof JsonObject payloads)) {
            return null;
        }
        return payloadText(payloads.get(valueKey));
    }

    /** A payload as JSON text: PostHog sends it as a string holding JSON, older answers as the JSON itself. */
    static String payloadText(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return value instanceof JsonString text ? text.getString() : value.toString();
    }

    private static boolean isTrue(JsonObject object, String name) {
        return object.get(name) == JsonValue.TRUE;
    }

    /** Present with a value that is not null, false, an empty array or an empty object. */
    private static boolean isSet(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null) {
            return false;
        }
        return switch (value.getValueType()) {
            case NULL, FALSE -> false;
            case ARRAY -> !value.asJsonArray().isEmpty();
            case OBJECT -> !value.asJsonObject().isEmpty();
            default -> true;
        };
    }

    private static boolean isNullOrDistinctId(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value == null || value.getValueType() == JsonValue.ValueType.NULL
                || (value instanceof JsonString s && s.getString().equals("distinct_id"));
    }

    /** The array's objects; an absent or null array is empty; {@code null} when it holds anything else. */
    private static List<JsonObject> objects(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            return null;
        }
        for (JsonValue item : array) {
            if (!(item instanceof JsonObject)) {
                return null;
            }
        }
        return array.getValuesAs(JsonObject.class);
    }
}
