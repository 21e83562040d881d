package io.agnes.web;

/**
 * Every configuration key of Agnes, its default and its meaning: the one place they are defined.
 *
 * <p>Each key is a MicroProfile Config property whose name is exactly the environment variable an
 * operator types, so the same key also works as a system property ({@code -DAGNES_DATA_DIR=...}) and
 * as a JNDI entry on Payara. {@code config/.env.template} mirrors this list (a unit test keeps the
 * two in step).
 */
public enum Setting {
    AGNES_DATA_DIR("./data", "Directory for the user database, source extracts and the DuckDB analytics files."),
    AGNES_DATABASE_URL("", "JDBC URL of the user database; empty = an embedded H2 file under AGNES_DATA_DIR (e.g. jdbc:postgresql://db/agnes)."),
    AGNES_DATABASE_USER("", "User name for AGNES_DATABASE_URL."),
    AGNES_DATABASE_PASSWORD("", "Password for AGNES_DATABASE_URL."),
    AGNES_ADMIN_EMAIL("", "E-mail of the first admin, created at start when no user with it exists (with AGNES_ADMIN_PASSWORD)."),
    AGNES_ADMIN_PASSWORD("", "Password of the first admin (at least 8 characters)."),
    AGNES_SCHEDULER_SECRET("", "Shared secret (at least 32 characters) the scheduler sends as a Bearer token; it acts as the admin scheduler@system.local. Empty = off."),
    AGNES_SESSION_TIMEOUT_MINUTES("480", "Minutes of inactivity before a browser session ends."),
    AGNES_SOURCES_FILE("", "The data sources file (JSON, see docs/sources.md); empty = AGNES_DATA_DIR/sources.json when it exists, else the bundled sample."),
    AGNES_QUERY_MAX_ROWS("1000", "Most rows a query returns (the default and the upper bound of a requested limit); more are cut and flagged truncated."),
    AGNES_QUERY_TIMEOUT_SECONDS("30", "Seconds a query may run before it is cancelled."),
    AGNES_VERSION("", "Release label of this deployment (shown by /api/health; defaults to the built version)."),
    LOCAL_DEV_MODE("false", "1/true/yes/on: every request is the seeded admin dev@localhost. NEVER in production."),
    DEBUG("false", "1/true/yes/on: 500 JSON bodies include the error message, and /api/debug/throw is enabled.");

    private final String defaultValue;
    private final String meaning;

    Setting(String defaultValue, String meaning) {
        this.defaultValue = defaultValue;
        this.meaning = meaning;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }
}
