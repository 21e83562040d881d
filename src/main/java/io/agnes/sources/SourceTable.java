package io.agnes.sources;

import java.net.URI;
import java.nio.file.Path;

/**
 * One table of a {@link Source}. Exactly one of {@code file}, {@code url} (CSV sources) or
 * {@code query} (JDBC sources) is set.
 *
 * @param name        safe identifier, unique across ALL sources: it is the name users query
 * @param description free text for people, may be null
 * @param file        a local CSV file, already resolved against the sources file's directory
 * @param url         an http(s) URL of a CSV file
 * @param query       the SQL run against the JDBC source
 */
public record SourceTable(String name, String description, Path file, URI url, String query) {

    /**
     * Where the rows come from, for people. A URL is shown without user info and query string, which
     * may carry credentials or signed tokens.
     */
    public String location() {
        if (file != null) {
            return file.toString();
        }
        if (url != null) {
            String port = url.getPort() < 0 ? "" : ":" + url.getPort();
            return url.getScheme() + "://" + url.getHost() + port + (url.getRawPath() == null ? "" : url.getRawPath());
        }
        return query;
    }
}
