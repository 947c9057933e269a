package io.editlab.api.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EditRequestTest {

    @Test
    void missingListsBecomeEmptyAndListsAreCopied() {
        List<String> rephrases = new ArrayList<>(List.of("Who wrote Hamlet?"));
        EditRequest request = new EditRequest(
                "7", "Hamlet was written by", "Marlowe", "Hamlet", "Shakespeare", rephrases, null, null);
        rephrases.add("changed later");
        assertEquals(List.of("Who wrote Hamlet?"), request.rephrases());
        assertTrue(request.locality().isEmpty());
        assertTrue(request.portability().isEmpty());
        assertThrows(
                UnsupportedOperationException.class, () -> request.rephrases().add("x"));
    }

    @Test
    void blankRequiredFieldsAreRejectedByName() {
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class, () -> EditRequest.of("1", "The capital of France is", " "));
        assertEquals("target must not be blank", error.getMessage());
        assertThrows(NullPointerException.class, () -> EditRequest.of(null, "p", "t"));
    }

    @Test
    void resultRejectsNegativeCounts() {
        assertThrows(IllegalArgumentException.class, () -> new EditResult(-1, 0, null, null));
        assertEquals(0, new EditResult(0, 0, null, null).touched().size());
    }
}
