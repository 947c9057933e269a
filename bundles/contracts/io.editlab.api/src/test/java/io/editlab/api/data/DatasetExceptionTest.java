package io.editlab.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DatasetExceptionTest {

    @Test
    void messageNamesFileRecordAndField() {
        DatasetException error = new DatasetException(Path.of("data/cf.json"), 41, "target_new", "missing");
        assertEquals("data/cf.json: record 41, field 'target_new': missing", error.getMessage());
        assertEquals(41, error.record());
        assertEquals("target_new", error.field());
    }

    @Test
    void fileLevelProblemsOmitRecordAndField() {
        DatasetException error = new DatasetException(Path.of("x.json"), -1, null, "not a JSON array");
        assertEquals("x.json: not a JSON array", error.getMessage());
    }
}
