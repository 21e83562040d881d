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
    AGNES_SCHEDULER_BASE_URL("", "Where the scheduler's jobs reach Agnes' own API; empty = http://127.0.0.1 on the port of the first request served (8080 before any)."),
    AGNES_JOB_DATA_REFRESH_INTERVAL("15m", "How often the scheduler triggers a data refresh (POST /api/sync/trigger): 30s, 15m, 2h, 1d, or off."),
    AGNES_JOB_HEALTH_CHECK_INTERVAL("5m", "How often the scheduler checks GET /api/health: 30s, 15m, 2h, 1d, or off."),
    AGNES_JOB_CATALOG_ENRICHMENT_INTERVAL("1d", "How often the scheduler runs catalog enrichment by the LLM (skipped while no LLM is configured), or off."),
    AGNES_SOURCES_FILE("", "The data sources file (JSON, see docs/sources.md); empty = AGNES_DATA_DIR/sources.json when it exists, else the bundled sample."),
    AGNES_QUERY_MAX_ROWS("1000", "Most rows a query returns (the default and the upper bound of a requested limit); more are cut and flagged truncated."),
    AGNES_QUERY_TIMEOUT_SECONDS("30", "Seconds a query may run before it is cancelled."),
    AGNES_VERSION("", "Release label of this deployment (shown by /api/health; defaults to the built version). Also the PostHog release label (there: empty = RELEASE_CHANNEL, else none)."),
    LOCAL_DEV_MODE("false", "1/true/yes/on: every request is the seeded admin dev@localhost. NEVER in production."),
    DEBUG("false", "1/true/yes/on: 500 JSON bodies include the error message, and /api/debug/throw is enabled."),
    AGNES_CONTENT_SECURITY_POLICY("enforce", "enforce | report-only | off: the Content-Security-Policy header of Agnes' responses (scripts, styles and connections from Agnes itself and, when the PostHog integration is on, exactly PostHog's hosts)."),
    LLM_PROVIDER("", "anthropic | openai_compat | none. Empty = anthropic when an Anthropic key is set (ANTHROPIC_API_KEY, or an LLM_API_KEY starting sk-ant-), else openai_compat when LLM_BASE_URL, LLM_API_KEY or OPENAI_API_KEY is set, else none (LLM features answer 503)."),
    LLM_MODEL("", "Model name; empty = claude-sonnet-5-5 (anthropic) or gpt-5.4-mini (openai_compat)."),
    LLM_API_KEY("", "API key of the LLM provider; empty = ANTHROPIC_API_KEY (anthropic) or OPENAI_API_KEY (openai_compat; a local server may need none)."),
    ANTHROPIC_API_KEY("", "Anthropic API key, used when LLM_API_KEY is empty."),
    OPENAI_API_KEY("", "API key for LLM_PROVIDER=openai_compat, used when LLM_API_KEY is empty."),
    LLM_BASE_URL("", "Base URL of the provider API; empty = https://api.anthropic.com (anthropic) or https://api.openai.com/v1 (openai_compat), e.g. http://localhost:11434/v1 for Ollama."),
    LLM_TIMEOUT_SECONDS("60", "Seconds one LLM call attempt may take before it counts as timed out."),
    LLM_MAX_RETRIES("3", "Retries of an LLM call after a rate limit (429), a timeout or a server error (5xx), with exponential backoff; 0 = none."),
    LLM_MAX_TOKENS("1024", "Most tokens the model may generate in one answer."),
    POSTHOG_API_KEY("", "PostHog PROJECT API key (phc_...); empty = the PostHog integration is off. A personal key (phx_...) is refused: the integration stays off."),
    POSTHOG_HOST("https://eu.i.posthog.com", "PostHog host (or your reverse proxy of PostHog), an http(s) URL; e.g. https://us.i.posthog.com. Never Agnes' own POSTHOG_PROXY_PATH: requests would come back to it (refused with 508 and a warning)."),
    POSTHOG_IDENTIFY_PII("email", "Which user details ride on events and on the browser's identify: none | id | email | full (adds the name)."),
    POSTHOG_REPLAY("true", "1/true/yes/on: session replay in the browser (inputs and sensitive page parts masked). Set but empty = the default."),
    POSTHOG_REPLAY_MASK_SELECTOR("", "Extra CSS selector whose text session replay masks, appended to the built-in list."),
    POSTHOG_SNIPPET_EXCLUDE_PATHS("", "Comma-separated path prefixes whose HTML pages get no PostHog browser snippet (e.g. /admin,/help); /admin covers /admin and /admin/..., not /administrator."),
    POSTHOG_LLM_PAYLOADS("false", "1/true/yes/on: LLM events carry the prompt and the completion (truncated); off = metadata only."),
    POSTHOG_LLM_PAYLOAD_MAX_CHARS("30000", "Characters of each prompt or completion text kept in LLM events when POSTHOG_LLM_PAYLOADS is on."),
    POSTHOG_ENVIRONMENT("", "The environment label on every PostHog event; empty = local (LOCAL_DEV_MODE), else RELEASE_CHANNEL, else AGNES_DEPLOYMENT_ENV, else unknown."),
    RELEASE_CHANNEL("", "Release channel (e.g. stable, beta): the environment label when POSTHOG_ENVIRONMENT is empty, and the release label when AGNES_VERSION is empty."),
    AGNES_DEPLOYMENT_ENV("", "Deployment name (e.g. production, staging): the environment label when neither POSTHOG_ENVIRONMENT nor RELEASE_CHANNEL is set."),
    POSTHOG_QUEUE_SIZE("10000", "Most events waiting to be sent to PostHog; beyond it new events are dropped (counted and logged)."),
    POSTHOG_BATCH_SIZE("100", "Most events sent to PostHog in one request."),
    POSTHOG_FLUSH_INTERVAL("2s", "Longest an event waits for its batch to fill before it is sent (e.g. 500ms, 2s); 0 = send at once."),
    POSTHOG_SHUTDOWN_TIMEOUT("5s", "How long stopping Agnes may take to deliver the events still queued; what is left then is dropped (counted)."),
    POSTHOG_REQUEST_TIMEOUT("10s", "Time limit of one request to PostHog (connect and answer); a timed-out request is retried."),
    POSTHOG_FLAGS_TIMEOUT("300ms", "Longest a feature-flag check waits for PostHog; later, the flag's default is used. Must be above zero."),
    POSTHOG_FLAGS_CACHE_TTL("30s", "How long a user's feature-flag answers from PostHog are reused before asking again; 0 = ask every time."),
    POSTHOG_FLAGS_SECRET_KEY("", "PostHog project SECRET key (phs_...; a legacy personal key phx_... works too) for evaluating feature flags locally; empty = ask PostHog for every user. Never logged or sent to a browser."),
    POSTHOG_PROXY_PATH("", "Same-origin proxy for the browser's PostHog traffic, a path of Agnes such as /ingest (it forwards to POSTHOG_HOST and its assets host only); empty = off, the browser talks to PostHog directly.");

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
