package io.editlab.world.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditRequest;
import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BuiltinCorpusTest {

    /** The configuration's defaults, as Declarative Services would give them without a configuration. */
    private static final BuiltinCorpus.Config DEFAULTS = (BuiltinCorpus.Config) Proxy.newProxyInstance(
            BuiltinCorpus.Config.class.getClassLoader(),
            new Class<?>[] {BuiltinCorpus.Config.class},
            (proxy, method, args) -> method.getDefaultValue());

    private static final BuiltinCorpus CORPUS = new BuiltinCorpus(DEFAULTS);

    @Test
    void aWorldOfAnySizeHasSixFactsPerSubjectAndOneEditEach() {
        KnowledgeCorpus big = CORPUS.withSubjects(3_400);
        List<EditRequest> edits = big.edits();
        assertEquals(20_400, edits.size());
        assertEquals(20_400, big.paraphrases().size());
        assertEquals(4 * 20_400, big.facts().size(), "four training phrasings per fact");
        Set<String> ids = new HashSet<>();
        edits.forEach(e -> assertTrue(ids.add(e.id()), "edit ids are unique: " + e.id()));
        assertEquals(1_200, CORPUS.edits().size(), "the configured world is unchanged");
    }

    @Test
    void theSameSizeGivesTheSameWorldAndTheConfiguredSizeTheConfiguredWorld() {
        assertEquals(CORPUS.withSubjects(300).edits(), CORPUS.withSubjects(300).edits());
        assertEquals(CORPUS.edits(), CORPUS.withSubjects(200).edits());
        assertEquals(CORPUS.facts(), CORPUS.withSubjects(200).facts());
    }

    @Test
    void sizesOutsideTheNameSpaceAreRefusedNamingTheLimits() {
        assertTrue(CORPUS.maxSubjects() > 13_000, "names for " + CORPUS.maxSubjects() + " subjects");
        for (int bad : new int[] {1, CORPUS.maxSubjects() + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CORPUS.withSubjects(bad));
            assertEquals(
                    "a world needs between 2 and " + CORPUS.maxSubjects() + " subjects, got " + bad, e.getMessage());
        }
    }
}
