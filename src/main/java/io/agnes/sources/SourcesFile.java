package io.agnes.sources;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads and validates the sources file (format: docs/sources.md). All problems are collected, so an
 * operator fixes the file in one go instead of one error per restart.
 */
public final class SourcesFile {

    /** Source and table names: they become directory names, DuckDB catalog names and view names. */
    public static final Pattern SAFE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    /** Catalog names DuckDB reserves: a source (attached under its name) cannot use them. */
    private static final Set<String> RESERVED_SOURCE_NAMES = Set.of("main", "memory", "system", "temp", "temporary",
            "information_schema", "pg_catalog");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> SOURCE_FIELDS = Set.of("name", "kind", "description", "tables", "url", "user_env",
            "password_env");
    private static final Set<String> CSV_TABLE_FIELDS = Set.of("name", "description", "file", "url");
    private static final Set<String> JDBC_TABLE_FIELDS = Set.of("name", "description", "query");

    private SourcesFile() {
    }

    /** The sources declared in {@code file}, in file order. */
    public static List<Source> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidSourcesException(file, List.of("the file does not exist"));
        }
        JsonObject root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonReader json = Json.createReader(reader)) {
            JsonValue value = json.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new InvalidSourcesException(file, List.of("expected a JSON object {\"sources\": [...]}"));
            }
            root = value.asJsonObject();
        } catch (JsonException e) {
            throw new InvalidSourcesException(file, List.of("not valid JSON: " + e.getMessage()));
        } catch (IOException e) {
            throw new InvalidSourcesException(file, List.of("cannot be read: " + e.getMessage()));
        }
        return parse(root, file.toAbsolutePath().getParent(), file);
    }

    static List<Source> parse(JsonObject root, Path baseDir, Path file) {
        List<String> problems = new ArrayList<>();
        for (String key : root.keySet()) {
            if (!key.equals("sources")) {
                problems.add("unknown top-level field \"" + key + "\" (expected only \"sources\")");
            }
        }
        JsonValue sourcesValue = root.get("sources");
        if (sourcesValue == null || sourcesValue.getValueType() != JsonValue.ValueType.ARRAY) {
            problems.add("field \"sources\": expected an array of sources");
            throw new InvalidSourcesException(file, problems);
        }
        JsonArray array = sourcesValue.asJsonArray();
        List<Source> sources = new ArrayList<>();
        Map<String, String> tableOwners = new HashMap<>();
        Set<String> sourceNames = new TreeSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonValue entry = array.get(i);
            if (entry.getValueType() != JsonValue.ValueType.OBJECT) {
                problems.add("sources[" + i + "]: expected an object with name, kind and tables");
                continue;
            }
            Source source = parseSource(entry.asJsonObject(), i, baseDir, problems);
            if (source == null) {
                continue;
            }
            if (!sourceNames.add(source.name())) {
                problems.add("source \"" + source.name() + "\": the name is used twice (expected unique source names)");
            }
            for (SourceTable table : source.tables()) {
                String owner = tableOwners.putIfAbsent(table.name(), source.name());
                if (owner != null) {
                    problems.add("source \"" + source.name() + "\", table \"" + table.name()
                            + "\": the name is already used by source \"" + owner
                            + "\" (expected table names unique across all sources: they are the names users query)");
                }
            }
            sources.add(source);
        }
        if (!problems.isEmpty()) {
            throw new InvalidSourcesException(file, problems);
        }
        return List.copyOf(sources);
    }

    private static Source parseSource(JsonObject json, int index, Path baseDir, List<String> problems) {
        int before = problems.size();
        String name = string(json, "name");
        String label = name != null && !name.isBlank() ? "source \"" + name + "\"" : "sources[" + index + "]";
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            problems.add(label + ", field \"name\": expected an identifier matching [a-z][a-z0-9_]{0,62}"
                    + found(json, "name"));
        } else if (RESERVED_SOURCE_NAMES.contains(name)) {
            problems.add(label + ", field \"name\": \"" + name + "\" is reserved by DuckDB (expected another name)");
        }
        unknownFields(json, SOURCE_FIELDS, label, problems);
        String kindText = string(json, "kind");
        Source.Kind kind = null;
        if ("csv".equals(kindText)) {
            kind = Source.Kind.CSV;
        } else if ("jdbc".equals(kindText)) {
            kind = Source.Kind.JDBC;
        } else {
            problems.add(label + ", field \"kind\": expected \"csv\" or \"jdbc\"" + found(json, "kind"));
        }
        String description = optionalString(json, "description", label, problems);
        String jdbcUrl = null;
        String userEnv = null;
        String passwordEnv = null;
        if (kind == Source.Kind.JDBC) {
            jdbcUrl = string(json, "url");
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
                // not echoed: a JDBC URL may embed a password
                problems.add(label + ", field \"url\": expected a JDBC URL starting with \"jdbc:\"");
            }
            userEnv = envName(json, "user_env", label, problems);
            passwordEnv = envName(json, "password_env", label, problems);
        } else if (kind == Source.Kind.CSV) {
            for (String jdbcOnly : List.of("url", "user_env", "password_env")) {
                if (json.containsKey(jdbcOnly)) {
                    problems.add(label + ", field \"" + jdbcOnly + "\": only jdbc sources have it (a csv source gives"
                            + " \"file\" or \"url\" on each table)");
                }
            }
        }
        List<SourceTable> tables = new ArrayList<>();
        JsonValue tablesValue = json.get("tables");
        if (tablesValue == null || tablesValue.getValueType() != JsonValue.ValueType.ARRAY
                || tablesValue.asJsonArray().isEmpty()) {
            problems.add(label + ", field \"tables\": expected a non-empty array of tables");
        } else {
            Set<String> seen = new TreeSet<>();
            JsonArray array = tablesValue.asJsonArray();
            for (int t = 0; t < array.size(); t++) {
                JsonValue entry = array.get(t);
                if (entry.getValueType() != JsonValue.ValueType.OBJECT) {
                    problems.add(label + ", tables[" + t + "]: expected an object with a name");
                    continue;
                }
                SourceTable table = parseTable(entry.asJsonObject(), kind, label, t, baseDir, problems);
                if (table != null && !seen.add(table.name())) {
                    problems.add(label + ", table \"" + table.name() + "\": the name is used twice in this source");
                }
                if (table != null) {
                    tables.add(table);
                }
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new Source(name, kind, description, jdbcUrl, userEnv, passwordEnv, tables);
    }

    private static SourceTable parseTable(JsonObject json, Source.Kind kind, String sourceLabel, int index, Path baseDir,
                                          List<String> problems) {
        int before = problems.size();
        String name = string(json, "name");
        String label = sourceLabel + ", " + (name != null && !name.isBlank() ? "table \"" + name + "\"" : "tables[" + index + "]");
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            problems.add(label + ", field \"name\": expected an identifier matching [a-z][a-z0-9_]{0,62}" + found(json, "name"));
        }
        String description = optionalString(json, "description", label, problems);
        Path file = null;
        URI url = null;
        String query = null;
        if (kind == Source.Kind.CSV) {
            unknownFields(json, CSV_TABLE_FIELDS, label, problems);
            String fileText = string(json, "file");
            String urlText = string(json, "url");
            if ((fileText == null) == (urlText == null)) {
                problems.add(label + ": expected exactly one of \"file\" (a local CSV path) or \"url\" (an http(s) URL)");
            } else if (fileText != null) {
                if (fileText.isBlank()) {
                    problems.add(label + ", field \"file\": expected a path to a CSV file");
                } else {
                    file = baseDir.resolve(fileText).normalize();
                }
            } else {
                url = httpUrl(urlText);
                if (url == null) {
                    problems.add(label + ", field \"url\": expected an http:// or https:// URL" + found(json, "url"));
                }
            }
        } else if (kind == Source.Kind.JDBC) {
            unknownFields(json, JDBC_TABLE_FIELDS, label, problems);
            query = string(json, "query");
            if (query == null || query.isBlank()) {
                problems.add(label + ", field \"query\": expected the SQL query that returns the table's rows");
            }
        }
        return problems.size() > before ? null : new SourceTable(name, description, file, url, query);
    }

    private static URI httpUrl(String text) {
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static String envName(JsonObject json, String field, String label, List<String> problems) {
        if (!json.containsKey(field) || json.isNull(field)) {
            return null;
        }
        String value = string(json, field);
        if (value == null || !ENV_NAME.matcher(value).matches()) {
            problems.add(label + ", field \"" + field + "\": expected the NAME of an environment variable (like CRM_DB_"
                    + (field.startsWith("user") ? "USER" : "PASSWORD") + "), not the value itself");
            // the value is not echoed: an operator may have pasted the secret itself
            return null;
        }
        return value;
    }

    private static String optionalString(JsonObject json, String field, String label, List<String> problems) {
        if (!json.containsKey(field) || json.isNull(field)) {
            return null;
        }
        String value = string(json, field);
        if (value == null) {
            problems.add(label + ", field \"" + field + "\": expected a string");
        }
        return value;
    }

    private static void unknownFields(JsonObject json, Set<String> allowed, String label, List<String> problems) {
        for (String key : json.keySet()) {
            if (!allowed.contains(key)) {
                problems.add(label + ": unknown field \"" + key + "\" (expected " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    private static String string(JsonObject json, String field) {
        JsonValue value = json.get(field);
        return value instanceof JsonString s ? s.getString() : null;
    }

    private static String found(JsonObject json, String field) {
        JsonValue value = json.get(field);
        if (value == null || value == JsonValue.NULL) {
            return ", found nothing";
        }
        String text = value.toString();
        return ", found " + (text.length() > 80 ? text.substring(0, 80) + "…" : text);
    }
}
