package io.agnes.observability;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Where {@link SnippetInjectionFilter} gets the browser snippet of one page (in Agnes: the snippet renderer).
 *
 * <p>Called at most once per response body, on the thread writing the page, at the moment its {@code </head>}
 * is written. It may throw: the page is then served unmodified, the failure counted and logged (rate-limited).
 */
@FunctionalInterface
public interface SnippetSource {

    /**
     * The whole element(s) to insert before {@code </head>}, e.g. {@code <script nonce="…">…</script>}.
     * Keep it ASCII (escape other characters as <code>&#92;uXXXX</code> inside the script): a page written as bytes may
     * not name its real charset, and the injector encodes the snippet in the response's declared one. A
     * character that charset cannot encode makes the injection fail (page unmodified).
     *
     * @param request  the page's request
     * @param cspNonce the nonce the response's {@code Content-Security-Policy} allows for scripts, to be put on the
     *                 {@code <script>} as {@code nonce="…"} (base64 characters only, safe in an attribute);
     *                 {@code null} when the response has no such policy
     * @return the snippet ({@link Snippet#of(String)} for one piece of text); {@code null} or empty = nothing for this
     *         page (counted as {@link InjectionSkip#NO_SNIPPET})
     */
    Snippet snippetFor(HttpServletRequest request, String cspNonce);
}
