package io.editlab.api.data;

import java.nio.file.Path;
import java.util.Objects;

/** A data file could not be read. Says where: file, record index and field. */
public class DatasetException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long record;
    private final String field;

    /**
     * @param file the file being read
     * @param record 0-based index of the offending record, or -1 when the file as a whole is bad
     * @param field the offending field, or {@code null}
     * @param problem what is wrong
     */
    public DatasetException(Path file, long record, String field, String problem) {
        this(file, record, field, problem, null);
    }

    public DatasetException(Path file, long record, String field, String problem, Throwable cause) {
        super(describe(file, record, field, problem), cause);
        this.file = Objects.requireNonNull(file, "file");
        this.record = record;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    /** 0-based record index, or -1. */
    public long record() {
        return record;
    }

    /** The offending field, or {@code null}. */
    public String field() {
        return field;
    }

    private static String describe(Path file, long record, String field, String problem) {
        StringBuilder text = new StringBuilder().append(file);
        if (record >= 0) {
            text.append(": record ").append(record);
        }
        if (field != null) {
            text.append(", field '").append(field).append('\'');
        }
        return text.append(": ").append(problem).toString();
    }
}
