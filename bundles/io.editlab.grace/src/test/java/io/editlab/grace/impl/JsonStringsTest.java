package io.editlab.grace.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonStringsTest {

    @Test
    void stringsSurviveARoundTrip() {
        List<String> labels = List.of("Lima", "", "say \"hi\"", "back\\slash", "tab\tnew\nline\u0001",
                "Zürich 東京");
        String json = JsonStrings.encode(labels);
        assertEquals(labels, JsonStrings.decode(json));
        assertEquals("[\"a\",\"b\\\"\"]", JsonStrings.encode(List.of("a", "b\"")));
        assertEquals(List.of(), JsonStrings.decode(" [ ] "));
        assertEquals(List.of("é/"), JsonStrings.decode("[\"\\u00e9\\/\"]"));
    }

    @Test
    void anythingButAnArrayOfStringsIsRefused() {
        for (String bad : List.of("", "null", "[1]", "[\"a\"", "[\"a\",]", "[\"a\"] x", "[\"\\x\"]", "[\"\\u12\"]")) {
            assertThrows(IllegalArgumentException.class, () -> JsonStrings.decode(bad), bad);
        }
    }
}
