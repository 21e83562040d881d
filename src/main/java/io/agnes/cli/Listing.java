package io.agnes.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON list of objects as a table, one column per key in the order the server sends them, so a field the
 * server adds shows up without a CLI release. Accepts a bare array or an object holding it under {@code key}.
 */
final class Listing {

    private Listing() {
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Object json, String key) {
        Object list = json instanceof Map<?, ?> map ? map.get(key) : json;
        if (!(list instanceof List<?> items)) {
            throw new Json.MalformedJsonException("Expected a JSON array (or {\"" + key + "\": [...]}) but got " + Json.write(json));
        }
        List<Map<String, Object>> objects = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof Map<?, ?>)) {
                throw new Json.MalformedJsonException("Expected objects in the \"" + key + "\" list but got " + Json.write(item));
            }
            objects.add((Map<String, Object>) item);
        }
        return objects;
    }

    static String render(List<Map<String, Object>> items) {
        Set<String> keys = new LinkedHashSet<>();
        items.forEach(item -> keys.addAll(item.keySet()));
        List<List<Object>> rows = new ArrayList<>(items.size());
        for (Map<String, Object> item : items) {
            List<Object> row = new ArrayList<>(keys.size());
            for (String key : keys) {
                row.add(shorten(item.get(key)));
            }
            rows.add(row);
        }
        return TextTable.render(new ArrayList<>(keys), rows, "");
    }

    /** A list of names reads as "a, b, c"; a list of objects (a table's columns, say) as a count. */
    private static Object shorten(Object value) {
        if (value instanceof List<?> list) {
            boolean scalars = list.stream().noneMatch(v -> v instanceof Map || v instanceof List);
            return scalars ? String.join(", ", list.stream().map(v -> TextTable.cell(v, "")).toList())
                    : list.size() + (list.size() == 1 ? " item" : " items");
        }
        return value;
    }
}
