package io.editlab.runtime.impl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.model.ModelException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Set;

/**
 * Required-field access to checkpoint JSON with errors that name the file and key. Numbers are read
 * strictly: an integer field must hold a whole number within its range, a decimal a finite number.
 */
final class Json {

    private Json() {}

    static String string(JsonObject object, String key, Path file) throws ModelException {
        JsonElement value = require(object, key, file);
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new ModelException(file + ": '" + key + "' must be a string, found " + shortText(value));
        }
        return value.getAsString();
    }

    /** A string field that must be one of {@code known}; {@code fallback} when it is absent. */
    static String choice(JsonObject object, String key, Set<String> known, String fallback, Path file)
            throws ModelException {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            return fallback;
        }
        String text = string(object, key, file);
        if (!known.contains(text)) {
            throw new ModelException(file + ": '" + key + "' is " + shortText(value) + "; supported: "
                    + String.join(", ", known.stream().sorted().toList()));
        }
        return text;
    }

    /** A whole number in {@code [min, max]}. */
    static int integer(JsonObject object, String key, int min, int max, Path file) throws ModelException {
        JsonElement value = require(object, key, file);
        BigDecimal number = number(value, key, file);
        if (number.stripTrailingZeros().scale() > 0) {
            throw new ModelException(file + ": '" + key + "' must be a whole number, found " + shortText(value));
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new ModelException(
                    file + ": '" + key + "' must be between " + min + " and " + max + ", found " + shortText(value));
        }
        return number.intValueExact();
    }

    static int optionalInteger(JsonObject object, String key, int fallback, int min, int max, Path file)
            throws ModelException {
        JsonElement value = object.get(key);
        return value == null || value.isJsonNull() ? fallback : integer(object, key, min, max, file);
    }

    /** A finite number in {@code (0, max]}; {@code fallback} when absent. */
    static double positive(JsonObject object, String key, double fallback, double max, Path file)
            throws ModelException {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            return fallback;
        }
        double number = number(value, key, file).doubleValue();
        if (!(number > 0 && number <= max)) {
            throw new ModelException(file + ": '" + key + "' must be a number above 0 and at most " + max + ", found "
                    + shortText(value));
        }
        return number;
    }

    private static BigDecimal number(JsonElement value, String key, Path file) throws ModelException {
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            throw new ModelException(file + ": '" + key + "' must be a number, found " + shortText(value));
        }
        try {
            return value.getAsBigDecimal();
        } catch (NumberFormatException e) {
            throw new ModelException(file + ": '" + key + "' must be a number, found " + shortText(value), e);
        }
    }

    private static JsonElement require(JsonObject object, String key, Path file) throws ModelException {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            throw new ModelException(file + ": missing '" + key + "'");
        }
        return value;
    }

    /** A JSON value as text for an error message, cut to 80 characters. */
    static String shortText(JsonElement value) {
        String text = value.toString();
        return text.length() <= 80 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
    }
}
