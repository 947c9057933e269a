package io.editlab.editkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateListsTest {

    @Test
    void listsOfAnyStringsSurviveARoundTrip() {
        List<String> labels = List.of("Lima", "", "say \"hi\"", "back\\slash", "tab\tnew\nline\u0001", "Zürich 東京");
        Map<String, String> metadata = new HashMap<>(StateLists.entries("labels", labels));
        metadata.put("format", "1");
        assertEquals(labels, StateLists.read(metadata, "labels"));
        assertEquals(List.of(), StateLists.read(StateLists.entries("none", List.of()), "none"));
        assertEquals(Map.of("k.size", "1", "k.0", "a"), StateLists.entries("k", List.of("a")));
    }

    @Test
    void aMissingOrMalformedEntryIsNamed() {
        assertEquals(
                "'labels.size' must be a whole number, not null",
                assertThrows(IllegalArgumentException.class, () -> StateLists.read(Map.of(), "labels"))
                        .getMessage());
        assertEquals(
                "'labels.1' is missing",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> StateLists.read(Map.of("labels.size", "2", "labels.0", "a"), "labels"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> StateLists.read(Map.of("labels.size", "-1"), "labels"));
    }
}
