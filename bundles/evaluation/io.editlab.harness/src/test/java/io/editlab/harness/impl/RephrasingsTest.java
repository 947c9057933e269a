package io.editlab.harness.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.harness.Protocol;
import io.editlab.harness.Protocol.Rephrasings;
import java.util.List;
import org.junit.jupiter.api.Test;

class RephrasingsTest {

    private static final EditRequest FOUR = new EditRequest(
            "x",
            "X lives in",
            "Rome",
            "X",
            "Oslo",
            List.of("r1", "r2", "r3", "r4"),
            List.of(new Probe("Y lives in", "Lima")),
            List.of());
    private static final EditRequest ONE =
            new EditRequest("y", "Y lives in", "Cairo", "Y", "Lima", List.of("s1"), List.of(), List.of());

    @Test
    void streamHalfEditsTheFirstHalfAndScoresTheSecond() {
        List<EditRequest> edited = Rephrasings.STREAM_HALF.edited(List.of(FOUR, ONE));
        assertEquals(
                List.of("x", "x/rephrase-1", "x/rephrase-2", "y"),
                edited.stream().map(EditRequest::id).toList());
        assertEquals(
                List.of("X lives in", "r1", "r2", "Y lives in"),
                edited.stream().map(EditRequest::prompt).toList());
        assertEquals(
                List.of("Rome", "Rome", "Rome", "Cairo"),
                edited.stream().map(EditRequest::target).toList());
        assertEquals("Oslo", edited.get(1).groundTruth());
        assertEquals(List.of(), edited.get(1).locality(), "a streamed rephrasing carries no probes");

        List<EditRequest> scored = Rephrasings.STREAM_HALF.scored(List.of(FOUR, ONE));
        assertEquals(List.of("r3", "r4"), scored.get(0).rephrases());
        assertEquals(FOUR.locality(), scored.get(0).locality());
        assertSame(ONE, scored.get(1), "a single rephrasing stays held out");
    }

    @Test
    void heldOutChangesNothing() {
        assertEquals(List.of(FOUR, ONE), Rephrasings.HELD_OUT.edited(List.of(FOUR, ONE)));
        assertEquals(List.of(FOUR, ONE), Rephrasings.HELD_OUT.scored(List.of(FOUR, ONE)));
    }

    @Test
    void wordsRoundTripAndBadOnesAreNamed() {
        for (Rephrasings r : Rephrasings.values()) {
            assertSame(r, Rephrasings.of(r.word()));
        }
        assertEquals("stream-half", Rephrasings.STREAM_HALF.word());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Protocol.of(4, 1, "file", "final", 1, 0, false, "half"));
        assertEquals("rephrasings must be held-out or stream-half, not 'half'", e.getMessage());
    }
}
