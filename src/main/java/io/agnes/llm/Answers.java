package io.agnes.llm;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of a model's JSON answer; a wrong shape is the model's fault, reported as invalid output. */
final class Answers {

    private Answers() {
    }

    static String string(JsonObject json, String name) {
        JsonValue value = json.get(name);
        if (value instanceof JsonString string) {
            return string.getString();
        }
        throw wrongShape(name, "a string", value);
    }

    /** The strings of an array property; blank entries are dropped, anything not a string is refused. */
    static List<String> strings(JsonObject json, String name) {
        JsonValue value = json.get(name);
        if (!(value instanceof JsonArray array)) {
            throw wrongShape(name, "an array", value);
        }
        List<String> strings = new ArrayList<>();
        for (JsonValue item : array) {
            if (!(item instanceof JsonString string)) {
                throw wrongShape(name, "an array of strings", value);
            }
            if (!string.getString().isBlank()) {
                strings.add(string.getString().strip());
            }
        }
        return strings;
    }

    private static LlmException.InvalidOutput wrongShape(String name, String expected, JsonValue actual) {
        return LlmException.InvalidOutput.notJson(null, "the answer's \"" + name + "\" is "
                + (actual == null ? "missing" : "a " + actual.getValueType().name().toLowerCase(java.util.Locale.ROOT))
                + ", not " + expected);
    }
}
