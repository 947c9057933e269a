package io.editlab.harness.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.harness.Streams;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamsTest {

    private static final Set<String> CITIES = Set.of("Oslo", "Lima", "Rome", "Kyiv", "Bonn");
    private static final Set<String> PETS = Set.of("cat", "dog", "owl", "rat");

    private static EditRequest fact(String id, String prompt, String target, String truth) {
        return new EditRequest(
                id,
                prompt,
                target,
                null,
                truth,
                List.of(prompt + " (again)"),
                List.of(new Probe("Elsewhere is", "far")),
                List.of(new Probe("So " + prompt, target)));
    }

    /** Two kinds of answers (cities, pets), linked only through the requests themselves. */
    private static final List<EditRequest> FACTS = List.of(
            fact("1", "Ana lives in", "Oslo", "Lima"),
            fact("2", "Bo lives in", "Rome", "Oslo"),
            fact("3", "Ana has a", "cat", "dog"),
            fact("4", "Cyr lives in", "Kyiv", "Bonn"),
            fact("5", "Bo has a", "owl", "rat"),
            fact("6", "Dag lives in", "Lima", "Bonn"),
            fact("7", "Cyr has a", "rat", "cat"));

    @Test
    void eachRoundEditsEveryFactAgainToANewAnswerOfItsKind() {
        List<EditRequest> stream = Streams.reedit(FACTS, 3, 7);
        assertEquals(21, stream.size());
        assertEquals(FACTS, stream.subList(0, 7), "round 1 is the requests as given");
        for (int i = 0; i < FACTS.size(); i++) {
            EditRequest first = FACTS.get(i);
            Set<String> targets = new HashSet<>();
            for (int round = 0; round < 3; round++) {
                EditRequest edit = stream.get(round * 7 + i);
                assertEquals(first.id(), edit.id());
                assertEquals(first.prompt(), edit.prompt());
                assertEquals(first.rephrases(), edit.rephrases());
                assertEquals(first.locality(), edit.locality());
                assertNotEquals(first.groundTruth(), edit.target(), "never back to the truth");
                assertTrue(targets.add(edit.target()), "a new target each round: " + edit.target());
                Set<String> kind = CITIES.contains(first.target()) ? CITIES : PETS;
                assertTrue(kind.contains(edit.target()), edit.target() + " is of " + first.target() + "'s kind");
                if (round > 0) {
                    assertTrue(edit.portability().isEmpty(), "the first target's consequences are dropped");
                }
            }
        }
        assertEquals(stream, Streams.reedit(FACTS, 3, 7), "the seed fixes the targets");
    }

    @Test
    void tooManyRoundsForAKindAreRefusedNamingTheRecord() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Streams.reedit(FACTS, 4, 7));
        assertTrue(e.getMessage().startsWith("record 3 cannot be re-edited 4 times"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Streams.reedit(FACTS, 0, 7));
        assertEquals(FACTS, Streams.reedit(FACTS, 1, 7));
    }

    @Test
    void theLatestEditOfEachFactCountsInTheOrderOfLatestEdits() {
        assertSame(FACTS, Streams.latest(FACTS), "a stream without re-edits is scored as it is");
        List<EditRequest> stream = Streams.reedit(FACTS, 2, 7);
        List<EditRequest> applied = stream.subList(0, 9); // round 1 and the first two re-edits
        List<EditRequest> latest = Streams.latest(applied);
        assertEquals(
                List.of("3", "4", "5", "6", "7", "1", "2"),
                latest.stream().map(EditRequest::id).toList());
        assertEquals(stream.get(7), latest.get(5));
        assertEquals(stream.get(8), latest.get(6));
    }

    @Test
    void reEditingTheFirstFactsKeepsTheOthersAsLocalityProbes() {
        List<EditRequest> stream = Streams.reedit(FACTS, 2, 4, 7);
        assertEquals(8, stream.size());
        assertEquals(
                List.of("1", "2", "3", "4", "1", "2", "3", "4"),
                stream.stream().map(EditRequest::id).toList());
        List<Probe> outside =
                List.of(new Probe("Bo has a", "rat"), new Probe("Dag lives in", "Bonn"), new Probe("Cyr has a", "cat"));
        for (int i = 0; i < stream.size(); i++) {
            EditRequest edit = stream.get(i);
            assertEquals(
                    List.of(new Probe("Elsewhere is", "far"), outside.get(i % 4 % 3)),
                    edit.locality(),
                    "its own probe, then an outside fact in turn");
        }
        assertEquals(FACTS.get(0).portability(), stream.get(0).portability(), "round 1 keeps its portability");
        assertEquals(stream, Streams.of("reedit:2:4", FACTS, 7), "the specification names the same stream");
        assertEquals(Streams.reedit(FACTS, 2, 7), Streams.of("reedit:2", FACTS, 7));
        assertEquals(Streams.reedit(FACTS, 2, 7), Streams.reedit(FACTS, 2, 7, 7), "all facts: nothing outside to add");
    }

    @Test
    void badStreamSpecificationsAreRefusedSayingWhatIsAccepted() {
        for (String spec : List.of("reedit", "reedit:", "reedit:2:", "redit:2", "reedit:2:4:1", "reedit:x")) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Streams.of(spec, FACTS, 7), spec);
            assertTrue(
                    e.getMessage().contains("reedit:K:F") && e.getMessage().contains("'" + spec + "'"), e.getMessage());
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Streams.of("reedit:2:8", FACTS, 7));
        assertTrue(e.getMessage().contains("between 1 and the 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Streams.of("reedit:2:0", FACTS, 7));
    }
}
