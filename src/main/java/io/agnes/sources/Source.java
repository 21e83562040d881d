package io.agnes.sources;

import java.util.List;
import java.util.Optional;

/**
 * One data source declared in the sources file: where its tables come from.
 *
 * @param name        safe identifier {@code [a-z][a-z0-9_]{0,62}}; names the extract directory
 * @param kind        how the tables are read
 * @param description free text for people, may be null
 * @param jdbcUrl     for {@link Kind#JDBC}: the JDBC URL; null for CSV
 * @param userEnv     for {@link Kind#JDBC}: NAME of the environment variable holding the user, may be null
 * @param passwordEnv for {@link Kind#JDBC}: NAME of the environment variable holding the password, may be null
 * @param tables      at least one
 */
public record Source(String name, Kind kind, String description, String jdbcUrl, String userEnv, String passwordEnv,
                     List<SourceTable> tables) {

    public enum Kind {
        CSV, JDBC;

        /** The spelling used in the sources file and in API responses. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Source {
        tables = List.copyOf(tables);
    }

    public Optional<SourceTable> table(String tableName) {
        return tables.stream().filter(t -> t.name().equals(tableName)).findFirst();
    }
}
