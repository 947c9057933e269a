package io.editlab.runtime.impl;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.model.ModelException;
import java.nio.file.Path;

/** Required-field access to checkpoint JSON with errors that name the file and key. */
final class Json {

    private Json() {
    }

    static String string(JsonObject object, String key, Path file) throws ModelException {
        return require(object, key, file).getAsString();
    }

    static int integer(JsonObject object, String key, Path file) throws ModelException {
        JsonElement value = require(object, key, file);
        try {
            return value.getAsInt();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new ModelException(file + ": '" + key + "' must be an integer, found " + value, e);
        }
    }

    static int optionalInteger(JsonObject object, String key, int fallback, Path file) throws ModelException {
        JsonElement value = object.get(key);
        return value == null || value.isJsonNull() ? fallback : integer(object, key, file);
    }

    static double decimal(JsonObject object, String key, double fallback, Path file) throws ModelException {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            return fallback;
        }
        try {
            return value.getAsDouble();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new ModelException(file + ": '" + key + "' must be a number, found " + value, e);
        }
    }

    private static JsonElement require(JsonObject object, String key, Path file) throws ModelException {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            throw new ModelException(file + ": missing '" + key + "'");
        }
        return value;
    }
}
