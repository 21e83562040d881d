package io.agnes.llm;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Jakarta JSON values as plain Java maps, lists and scalars, the form both SDKs accept for free-form JSON. */
final class JsonValues {

    private JsonValues() {
    }

    static Map<String, Object> toPlainObject(JsonObject object) {
        Map<String, Object> plain = new LinkedHashMap<>();
        object.forEach((key, value) -> plain.put(key, toPlain(value)));
        return plain;
    }

    static Object toPlain(JsonValue value) {
        return switch (value.getValueType()) {
            case OBJECT -> toPlainObject(value.asJsonObject());
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonValue item : (JsonArray) value) {
                    list.add(toPlain(item));
                }
                yield list;
            }
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> {
                JsonNumber number = (JsonNumber) value;
                yield number.isIntegral() ? (Object) number.bigIntegerValue() : (Object) number.bigDecimalValue();
            }
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
        };
    }
}
