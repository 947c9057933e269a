package io.editlab.server.impl;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request bodies read strictly: an object with known fields of the right types, each error a 400
 * that names the field and what it should be.
 */
final class Json {

    /** Longest prompt, target or other free text a request may carry. */
    static final int MAX_TEXT = 10_000;

    static final Gson GSON =
            new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private final JsonObject object;
    private final String where;

    private Json(JsonObject object, String where) {
        this.object = object;
        this.where = where;
    }

    /** Parses a body that must be one JSON object with no fields other than {@code allowed}. */
    static Json object(String body, Set<String> allowed) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(body);
        } catch (JsonParseException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + Text.escape(e.getMessage()));
        }
        if (!parsed.isJsonObject()) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return of(parsed.getAsJsonObject(), "", allowed);
    }

    private static Json of(JsonObject object, String where, Set<String> allowed) {
        for (String key : object.keySet()) {
            if (!allowed.contains(key)) {
                throw ApiException.badRequest("unknown field " + Text.quote(where + key) + " (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return new Json(object, where);
    }

    boolean has(String field) {
        return object.has(field) && !object.get(field).isJsonNull();
    }

    String string(String field) {
        if (!has(field)) {
            throw ApiException.badRequest("field '" + where + field + "' is required");
        }
        return text(object.get(field), where + field);
    }

    String string(String field, String fallback) {
        return has(field) ? string(field) : fallback;
    }

    /** A required text field that is not blank and has at most {@code max} characters. */
    String text(String field, int max) {
        String value = string(field);
        if (value.isBlank()) {
            throw ApiException.badRequest("field '" + where + field + "' must not be blank");
        }
        if (value.length() > max) {
            throw ApiException.badRequest("field '" + where + field + "' has " + value.length()
                    + " characters; at most " + max + " are allowed");
        }
        return value;
    }

    int integer(String field, int fallback, int min, int max) {
        if (has(field)
                && object.get(field).isJsonPrimitive()
                && object.get(field).getAsJsonPrimitive().isNumber()
                && object.get(field).getAsDouble()
                        != Math.rint(object.get(field).getAsDouble())) {
            throw ApiException.badRequest("field '" + where + field + "' must be a whole number");
        }
        return (int) number(field, fallback, min, max, "a whole number");
    }

    /** A bound as people write it: whole numbers without a fraction. */
    private static String plain(double bound) {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15
                ? Long.toString((long) bound)
                : Double.toString(bound);
    }

    double number(String field, double fallback, double min, double max) {
        return number(field, fallback, min, max, "a number");
    }

    private double number(String field, double fallback, double min, double max, String kind) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement value = object.get(field);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw ApiException.badRequest("field '" + where + field + "' must be " + kind);
        }
        double number = value.getAsDouble();
        if (!(number >= min && number <= max)) {
            throw ApiException.badRequest("field '" + where + field + "' must be between " + plain(min) + " and "
                    + plain(max) + ", not " + Text.escape(value.toString()));
        }
        return number;
    }

    boolean bool(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement value = object.get(field);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
            throw ApiException.badRequest("field '" + where + field + "' must be true or false");
        }
        return value.getAsBoolean();
    }

    List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        for (JsonElement item : array(field)) {
            values.add(text(item, where + field + "[" + values.size() + "]"));
        }
        return values;
    }

    JsonArray array(String field) {
        if (!has(field)) {
            return new JsonArray();
        }
        JsonElement value = object.get(field);
        if (!value.isJsonArray()) {
            throw ApiException.badRequest("field '" + where + field + "' must be an array");
        }
        return value.getAsJsonArray();
    }

    /** An object of string (or number or boolean, taken as text) values, e.g. a configuration. */
    Map<String, String> stringMap(String field) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!has(field)) {
            return values;
        }
        for (Map.Entry<String, JsonElement> entry : objectField(field).entrySet()) {
            values.put(entry.getKey(), text(entry.getValue(), where + field + "." + Text.escape(entry.getKey())));
        }
        return values;
    }

    JsonObject objectField(String field) {
        JsonElement value = object.get(field);
        if (value == null || !value.isJsonObject()) {
            throw ApiException.badRequest("field '" + where + field + "' must be an object");
        }
        return value.getAsJsonObject();
    }

    /** The element at {@code index} of an array field, as an object with the allowed fields. */
    static Json item(JsonElement element, String where, Set<String> allowed) {
        if (!element.isJsonObject()) {
            throw ApiException.badRequest("'" + where + "' must be an object");
        }
        return of(element.getAsJsonObject(), where + ".", allowed);
    }

    /** The object as JSON text. */
    @Override
    public String toString() {
        return object.toString();
    }

    private static String text(JsonElement value, String where) {
        if (value.isJsonPrimitive()) {
            JsonPrimitive primitive = value.getAsJsonPrimitive();
            return primitive.getAsString();
        }
        throw ApiException.badRequest("field '" + where + "' must be a string");
    }
}
