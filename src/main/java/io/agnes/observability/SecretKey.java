package io.agnes.observability;

/**
 * A credential that must never be printed: {@link #toString()} hides it, so a settings object, a log line or an
 * error message that includes it by accident shows {@code [secret]}. Only the code that puts it into an
 * {@code Authorization} header calls {@link #reveal()}.
 */
public final class SecretKey {

    public static final SecretKey NONE = new SecretKey("");

    private final String value;

    private SecretKey(String value) {
        this.value = value;
    }

    /** {@link #NONE} for a blank value, else the trimmed value. */
    public static SecretKey of(String value) {
        return value == null || value.isBlank() ? NONE : new SecretKey(value.strip());
    }

    public boolean isPresent() {
        return !value.isEmpty();
    }

    /** The key itself, for the one header that carries it. */
    String reveal() {
        return value;
    }

    /** {@code text} with every occurrence of the key replaced, for anything logged that came from outside. */
    String redact(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, "[secret]");
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "[none]" : "[secret]";
    }
}
