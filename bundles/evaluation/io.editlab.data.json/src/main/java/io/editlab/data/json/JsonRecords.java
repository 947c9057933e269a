package io.editlab.data.json;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import io.editlab.api.data.DatasetException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Streams the objects of a UTF-8 file that holds one JSON array, one record at a time, and turns every problem
 * into a {@link DatasetException} naming the file, the record and the field. Typed reads check the JSON type
 * first, so a value of the wrong type is reported as such rather than converted.
 */
public final class JsonRecords {

    /** Reads the fields of one record; it is called just inside the record's object and must consume them all. */
    @FunctionalInterface
    public interface RecordParser<T> {
        T parse(JsonRecords records, int index) throws IOException, DatasetException;
    }

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

    private final Path file;
    private final JsonReader json;
    private int index = -1;

    private JsonRecords(Path file, JsonReader json) {
        this.file = file;
        this.json = json;
    }

    /** Parses every record of {@code file}, in file order; fails as a whole on the first problem. */
    public static <T> List<T> read(Path file, RecordParser<T> parser) throws DatasetException {
        try (JsonReader json = open(file)) {
            return new JsonRecords(file, json).readArray(parser);
        } catch (IOException e) {
            throw new DatasetException(file, -1, null, "cannot close: " + e, e);
        }
    }

    public boolean hasNext() throws IOException {
        return json.hasNext();
    }

    public String nextName() throws IOException {
        return json.nextName();
    }

    public void skip() throws IOException {
        json.skipValue();
    }

    /** Reads a string value. */
    public String string(String name) throws IOException, DatasetException {
        expect(JsonToken.STRING, name, "a string");
        return json.nextString();
    }

    /** Reads an integer number and returns it as written, e.g. {@code "42"}. */
    public String integer(String name) throws IOException, DatasetException {
        expect(JsonToken.NUMBER, name, "an integer");
        String number = json.nextString();
        if (!INTEGER.matcher(number).matches()) {
            throw error(name, "expected an integer but found " + number);
        }
        return number;
    }

    /** Reads an array of strings. */
    public List<String> strings(String name) throws IOException, DatasetException {
        expect(JsonToken.BEGIN_ARRAY, name, "an array of strings");
        json.beginArray();
        List<String> values = new ArrayList<>();
        while (json.hasNext()) {
            JsonToken found = json.peek();
            if (found != JsonToken.STRING) {
                throw error(name, "expected an array of strings but item " + values.size() + " is " + kind(found));
            }
            values.add(json.nextString());
        }
        json.endArray();
        return values;
    }

    /** Enters a nested object; read its fields with {@link #hasNext()} and {@link #nextName()}. */
    public void beginObject(String name) throws IOException, DatasetException {
        expect(JsonToken.BEGIN_OBJECT, name, "an object");
        json.beginObject();
    }

    public void endObject() throws IOException {
        json.endObject();
    }

    /** Returns {@code value} if it is present and not blank. */
    public String required(String value, String name) throws DatasetException {
        if (value == null) {
            throw error(name, "required field is missing");
        }
        if (value.isBlank()) {
            throw error(name, "must not be empty");
        }
        return value;
    }

    /** A problem with {@code name} in the current record. */
    public DatasetException error(String name, String problem) {
        return new DatasetException(file, index, name, problem);
    }

    private static JsonReader open(Path file) throws DatasetException {
        try {
            return new JsonReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, -1, null, "no such file", e);
        } catch (IOException e) {
            throw new DatasetException(file, -1, null, "cannot open: " + e, e);
        }
    }

    private <T> List<T> readArray(RecordParser<T> parser) throws DatasetException {
        try {
            return parseArray(parser);
        } catch (IOException e) {
            throw new DatasetException(file, index, position(), describe(e), e);
        }
    }

    private <T> List<T> parseArray(RecordParser<T> parser) throws IOException, DatasetException {
        expect(JsonToken.BEGIN_ARRAY, null, "a JSON array at top level");
        json.beginArray();
        List<T> items = new ArrayList<>();
        for (index = 0; json.hasNext(); index++) {
            expect(JsonToken.BEGIN_OBJECT, null, "an object");
            json.beginObject();
            items.add(parser.parse(this, index));
            json.endObject();
        }
        json.endArray();
        index = -1;
        json.peek(); // fails on anything after the array
        return items;
    }

    private void expect(JsonToken token, String name, String what) throws IOException, DatasetException {
        JsonToken found = json.peek();
        if (found != token) {
            throw error(name, "expected " + what + " but found " + kind(found));
        }
    }

    /** The parser's position as a field path in the current record, e.g. {@code requested_rewrite.prompt}. */
    private String position() {
        String path = json.getPath(); // $[3].requested_rewrite.prompt
        int dot = path.indexOf('.');
        return index < 0 || dot < 0 ? null : path.substring(dot + 1);
    }

    private static String kind(JsonToken token) {
        return switch (token) {
            case BEGIN_ARRAY -> "an array";
            case BEGIN_OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> token.name();
        };
    }

    private static String describe(IOException e) {
        if (e instanceof MalformedJsonException || e instanceof EOFException) {
            // the parser's first line says what and where; Gson adds a link to its troubleshooting guide
            return "malformed JSON: " + e.getMessage().lines().findFirst().orElse("");
        }
        if (e instanceof CharacterCodingException) {
            return "not valid UTF-8";
        }
        return "cannot read: " + e;
    }
}
