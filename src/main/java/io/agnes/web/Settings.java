package io.agnes.web;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Typed, validated reads of {@link Setting}s. A value that cannot be used is never fatal: it is
 * logged once as a warning naming the value and the default used instead.
 */
public class Settings {

    private static final Logger LOG = Logger.getLogger(Settings.class.getName());
    private static final Set<String> TRUTHY = Set.of("1", "true", "yes", "on");
    private static final Set<String> FALSY = Set.of("0", "false", "no", "off", "");

    private final Function<String, Optional<String>> source;
    private final Map<Setting, String> warned = new EnumMap<>(Setting.class);

    /** @param source looks a key up (MicroProfile Config in the server, a map in tests) */
    public Settings(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /** The trimmed value, or the setting's default when unset or blank. */
    public String string(Setting setting) {
        return raw(setting).map(String::trim).filter(v -> !v.isEmpty()).orElse(setting.defaultValue());
    }

    /** Truthy is {@code 1,true,yes,on} (any case); anything unrecognised warns and uses the default. */
    public boolean flag(Setting setting) {
        Optional<String> value = raw(setting).map(v -> v.trim().toLowerCase(Locale.ROOT));
        if (value.isEmpty()) {
            return TRUTHY.contains(setting.defaultValue());
        }
        if (TRUTHY.contains(value.get())) {
            return true;
        }
        if (FALSY.contains(value.get())) {
            return false;
        }
        boolean fallback = TRUTHY.contains(setting.defaultValue());
        warnOnce(setting, value.get(), String.valueOf(fallback) + " (expected one of 1,true,yes,on / 0,false,no,off)");
        return fallback;
    }

    /** A whole number at least {@code min}; anything else warns and uses the default. */
    public int positiveInt(Setting setting, int min) {
        int fallback = Integer.parseInt(setting.defaultValue());
        Optional<String> value = raw(setting).map(String::trim).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed >= min) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // falls through to the warning
        }
        warnOnce(setting, value.get(), fallback + " (expected a whole number >= " + min + ")");
        return fallback;
    }

    /**
     * A duration such as {@code 30s}, {@code 15m}, {@code 2h}, {@code 1d} (or {@code 500ms}); {@code off} or
     * {@code 0} = {@link Duration#ZERO}, meaning "disabled" for the caller. Anything else warns and uses the default.
     */
    public Duration duration(Setting setting) {
        Duration fallback = parseDuration(setting.defaultValue());
        Optional<String> value = raw(setting).map(v -> v.trim().toLowerCase(Locale.ROOT)).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return fallback;
        }
        Duration parsed = parseDuration(value.get());
        if (parsed != null) {
            return parsed;
        }
        warnOnce(setting, value.get(), setting.defaultValue() + " (expected e.g. 30s, 15m, 2h, 1d, or off)");
        return fallback;
    }

    static Duration parseDuration(String text) {
        if (text.equals("off") || text.equals("0")) {
            return Duration.ZERO;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Whether the operator set the key at all (to anything not blank). */
    public boolean isSet(Setting setting) {
        return raw(setting).map(String::trim).filter(v -> !v.isEmpty()).isPresent();
    }

    /** Logs, once per setting, that {@code value} is unusable and which default replaces it. */
    public void warnOnce(Setting setting, String value, String usedInstead) {
        synchronized (warned) {
            if (value.equals(warned.put(setting, value))) {
                return;
            }
        }
        LOG.warning(() -> "Invalid " + setting.name() + "=\"" + value + "\"; using " + usedInstead);
    }

    private Optional<String> raw(Setting setting) {
        return source.apply(setting.name());
    }
}
