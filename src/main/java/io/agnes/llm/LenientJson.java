package io.agnes.llm;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the JSON object out of a model's answer that may wrap it in prose or a Markdown code fence,
 * as models do when the server could not be asked for JSON.
 */
final class LenientJson {

    private static final Pattern FENCE = Pattern.compile("```[a-zA-Z0-9_-]*\\s*\\n(.*?)```", Pattern.DOTALL);

    private LenientJson() {
    }

    /**
     * The first complete JSON object in {@code text}: inside the first code fence when there is one,
     * else from the first {@code {} to its matching {@code }}.
     *
     * @throws IllegalArgumentException naming what is wrong when there is no such object
     */
    static JsonObject parseObject(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the answer is empty");
        }
        Matcher fence = FENCE.matcher(text);
        String candidate = fence.find() && fence.group(1).contains("{") ? fence.group(1) : text;
        String object = outermostObject(candidate).orElseThrow(
                () -> new IllegalArgumentException("the answer contains no complete JSON object"));
        try (JsonReader reader = Json.createReader(new StringReader(object))) {
            return reader.readObject();
        } catch (JsonException e) {
            throw new IllegalArgumentException("the answer's JSON object is malformed: " + e.getMessage(), e);
        }
    }

    /** From the first '{' to the '}' that closes it, skipping braces inside JSON strings. */
    static Optional<String> outermostObject(String text) {
        int start = text.indexOf('{');
        if (start < 0) {
            return Optional.empty();
        }
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return Optional.of(text.substring(start, i + 1));
            }
        }
        return Optional.empty();
    }
}
