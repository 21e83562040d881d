package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Local evaluation gives the answer PostHog's servers give. The expected values of the consistency tests are the
 * first 20 of the vectors PostHog publishes for every SDK that evaluates locally (PostHog's
 * {@code TestFeatureFlagMatcherConsistency}: {@code simple-flag} at 45 %, {@code multivariate-flag} at 55 % with
 * variants 50/20/20/5/5, ids {@code distinct_id_0…}); the 50 % cases were checked by hand with
 * {@code sha1("<key>.<id>")[:15] / 0xFFFFFFFFFFFFFFF}.
 */
class FlagDefinitionsTest {

    static FlagDefinitions definitions(String flagsArray) {
        return FlagDefinitions.parse(json("{\"flags\":" + flagsArray + ",\"group_type_mapping\":{},\"cohorts\":{}}"));
    }

    static JsonObject json(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /** The locally decided value; fails when the definitions would ask PostHog. */
    private static FlagResult value(FlagDefinitions defs, String key, String id) {
        FlagDefinitions.Decision decision = defs.evaluate(key, id);
        assertThat(decision.decided()).as(key + " decided locally").isTrue();
        return decision.value();
    }

    private static String flag(String key, String filters) {
        return "{\"id\":1,\"key\":\"" + key + "\",\"active\":true,\"deleted\":false,\"filters\":" + filters + "}";
    }

    @Test
    void theRolloutHashMatchesPostHogsPublishedVectors() {
        FlagDefinitions defs = definitions("[" + flag("simple-flag",
                "{\"groups\":[{\"properties\":[],\"rollout_percentage\":45}]}") + "]");

        List<Boolean> expected = List.of(false, true, true, false, true, false, false, true, false, true,
                false, true, true, false, true, false, false, false, true, true);
        List<Boolean> actual = IntStream.range(0, 20)
                .mapToObj(i -> value(defs, "simple-flag", "distinct_id_" + i).enabled()).toList();

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void multivariateVariantsMatchPostHogsPublishedVectors() {
        FlagDefinitions defs = definitions("[" + flag("multivariate-flag", """
                {"groups":[{"properties":[],"rollout_percentage":55}],
                 "multivariate":{"variants":[
                   {"key":"first-variant","name":"First Variant","rollout_percentage":50},
                   {"key":"second-variant","name":"Second Variant","rollout_percentage":20},
                   {"key":"third-variant","name":"Third Variant","rollout_percentage":20},
                   {"key":"fourth-variant","name":"Fourth Variant","rollout_percentage":5},
                   {"key":"fifth-variant","name":"Fifth Variant","rollout_percentage":5}]}}""") + "]");

        List<Object> expected = List.of("second-variant", "second-variant", "first-variant", false, false,
                "second-variant", "first-variant", false, false, false, "first-variant", "third-variant", false,
                "first-variant", "second-variant", "first-variant", false, false, "fourth-variant", "first-variant");
        List<Object> actual = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            FlagResult result = value(defs, "multivariate-flag", "distinct_id_" + i);
            actual.add(result.enabled() ? result.variant() : false);
        }

        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void zeroPercentIsOffAndHundredPercentIsOnForEveryone() {
        FlagDefinitions defs = definitions("[" + flag("none", "{\"groups\":[{\"properties\":[],\"rollout_percentage\":0}]}")
                + "," + flag("all", "{\"groups\":[{\"properties\":[],\"rollout_percentage\":100}]}")
                + "," + flag("no-percentage", "{\"groups\":[{\"properties\":[]}]}") + "]");

        for (int i = 0; i < 200; i++) {
            assertThat(value(defs, "none", "user-" + i)).isEqualTo(FlagResult.OFF);
            assertThat(value(defs, "all", "user-" + i).enabled()).isTrue();
            assertThat(value(defs, "no-percentage", "user-" + i).enabled()).isTrue();
        }
    }

    @Test
    void fiftyPercentSplitsUsersByTheirHash() {
        // hand-checked: sha1("half.bob")[:15] / LONG_SCALE = 0.279…, sha1("half.alice") → 0.878…
        FlagDefinitions defs = definitions("[" + flag("half", "{\"groups\":[{\"properties\":[],\"rollout_percentage\":50}]}") + "]");

        assertThat(FlagDefinitions.hash("half", "bob", "")).isBetween(0.2792, 0.2794);
        assertThat(FlagDefinitions.hash("half", "alice", "")).isBetween(0.8783, 0.8784);
        assertThat(value(defs, "half", "bob").enabled()).isTrue();
        assertThat(value(defs, "half", "alice").enabled()).isFalse();
        long on = IntStream.range(0, 2000).filter(i -> value(defs, "half", "user-" + i).enabled()).count();
        assertThat(on).isBetween(900L, 1100L);
    }

    @Test
    void anInactiveOrDeletedFlagIsNotInEffectSoTheDefaultApplies() {
        FlagDefinitions defs = definitions("""
                [{"key":"paused","active":false,"filters":{"groups":[{"properties":[],"rollout_percentage":100}]}},
                 {"key":"gone","active":true,"deleted":true,"filters":{"groups":[{"rollout_percentage":100}]}}]""");

        assertThat(defs.evaluate("paused", "bob")).isEqualTo(FlagDefinitions.Decision.NOT_IN_EFFECT);
        assertThat(defs.evaluate("gone", "bob")).isEqualTo(FlagDefinitions.Decision.NOT_IN_EFFECT);
    }

    @Test
    void whatOnlyPostHogCanDecideIsLeftToIt() {
        FlagDefinitions defs = definitions("["
                + flag("by-email", "{\"groups\":[{\"properties\":[{\"key\":\"email\",\"type\":\"person\",\"value\":\"x\",\"operator\":\"exact\"}],\"rollout_percentage\":100}]}")
                + "," + flag("cohort", "{\"groups\":[{\"properties\":[],\"rollout_percentage\":100},{\"properties\":[{\"key\":\"id\",\"type\":\"cohort\",\"value\":3}]}]}")
                + "," + flag("group", "{\"aggregation_group_type_index\":0,\"groups\":[{\"properties\":[],\"rollout_percentage\":100}]}")
                + "," + flag("holdout", "{\"holdout_groups\":[{\"properties\":[],\"rollout_percentage\":10,\"variant\":\"holdout-1\"}],\"groups\":[{\"rollout_percentage\":100}]}")
                + "," + flag("device", "{\"bucketing_identifier\":\"device_id\",\"groups\":[{\"rollout_percentage\":100}]}")
                + "," + flag("odd", "{\"groups\":[{\"rollout_percentage\":\"fifty\"}]}")
                + ",{\"key\":\"sticky\",\"active\":true,\"ensure_experience_continuity\":true,\"filters\":{\"groups\":[{\"rollout_percentage\":100}]}}"
                + "]");

        for (String key : List.of("by-email", "cohort", "group", "holdout", "device", "odd", "sticky", "not-defined")) {
            assertThat(defs.evaluate(key, "bob")).as(key).isEqualTo(FlagDefinitions.Decision.ASK_POSTHOG);
        }
    }

    @Test
    void aVariantOverrideWinsAndConditionsWithOverridesAreTriedFirst() {
        FlagDefinitions defs = definitions("[" + flag("exp", """
                {"groups":[{"properties":[],"rollout_percentage":100},
                           {"properties":[],"rollout_percentage":100,"variant":"test"}],
                 "multivariate":{"variants":[{"key":"control","rollout_percentage":50},{"key":"test","rollout_percentage":50}]},
                 "payloads":{"test":"{\\"color\\":\\"blue\\"}","control":"{\\"color\\":\\"grey\\"}"}}""") + "]");

        for (String id : List.of("alice", "bob", "carol", "dave")) {
            assertThat(value(defs, "exp", id)).isEqualTo(new FlagResult(true, "test", "{\"color\":\"blue\"}"));
        }
    }

    @Test
    void aBooleanFlagCarriesTheTruePayloadOnlyWhileOn() {
        FlagDefinitions defs = definitions("["
                + flag("banner", "{\"groups\":[{\"rollout_percentage\":100}],\"payloads\":{\"true\":\"{\\\"text\\\":\\\"Hi\\\"}\"}}")
                + "," + flag("banner-off", "{\"groups\":[{\"rollout_percentage\":0}],\"payloads\":{\"true\":\"{}\"}}")
                + "," + flag("object-payload", "{\"groups\":[{\"rollout_percentage\":100}],\"payloads\":{\"true\":{\"n\":1}}}")
                + "]");

        assertThat(value(defs, "banner", "bob")).isEqualTo(new FlagResult(true, null, "{\"text\":\"Hi\"}"));
        assertThat(value(defs, "banner-off", "bob")).isEqualTo(FlagResult.OFF);
        assertThat(value(defs, "object-payload", "bob").payload()).isEqualTo("{\"n\":1}");
    }

    @Test
    void weightsBelowAHundredLeaveUsersOnWithoutAVariant() {
        FlagDefinitions defs = definitions("[" + flag("partial", """
                {"groups":[{"rollout_percentage":100}],"multivariate":{"variants":[{"key":"only","rollout_percentage":10}]}}""") + "]");

        long withoutVariant = IntStream.range(0, 500).mapToObj(i -> value(defs, "partial", "user-" + i))
                .peek(result -> assertThat(result.enabled()).isTrue())
                .filter(result -> result.variant() == null).count();
        assertThat(withoutVariant).isBetween(400L, 500L);
    }

    @Test
    void aDocumentWithoutAFlagsArrayIsRefused() {
        assertThatThrownBy(() -> FlagDefinitions.parse(json("{\"detail\":\"nope\"}")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(definitions("[]").evaluate("anything", "bob")).isEqualTo(FlagDefinitions.Decision.ASK_POSTHOG);
    }
}
