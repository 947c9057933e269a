package io.editlab.world.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.model.Completion;
import io.editlab.world.impl.World.Relation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorldTest {

    private static final int SUBJECTS = 60;
    private static final World WORLD = World.generate(7, SUBJECTS);

    @Test
    void sameSeedGivesTheSameWorld() {
        World again = World.generate(7, SUBJECTS);
        assertEquals(WORLD.facts(), again.facts());
        assertEquals(WORLD.paraphrases(), again.paraphrases());
        assertEquals(WORLD.edits(), again.edits());
    }

    @Test
    void anotherSeedGivesAnotherWorld() {
        World other = World.generate(8, SUBJECTS);
        assertNotEquals(WORLD.facts(), other.facts());
        assertNotEquals(WORLD.paraphrases(), other.paraphrases());
        assertNotEquals(WORLD.edits(), other.edits());
    }

    @Test
    void hasFourTrainingPhrasingsOneParaphraseAndOneEditPerFact() {
        int facts = SUBJECTS * World.RELATIONS.size();
        assertEquals(facts, WORLD.factCount());
        assertEquals(facts * 4, WORLD.facts().size());
        assertEquals(facts, WORLD.paraphrases().size());
        assertEquals(facts, WORLD.edits().size());
        assertEquals(
                facts, WORLD.edits().stream().map(EditRequest::id).distinct().count());
    }

    @Test
    void relationsHaveFivePhrasingsAndDistinctSingleWordObjects() {
        assertEquals(6, World.RELATIONS.size());
        Set<String> objects = new HashSet<>();
        Set<String> templates = new HashSet<>();
        for (Relation relation : World.RELATIONS) {
            assertEquals(World.TEMPLATES, relation.templates().size());
            assertTrue(relation.objects().size() >= 16 && relation.objects().size() <= 30, relation.key());
            for (String template : relation.templates()) {
                assertTrue(templates.add(template), template);
                assertEquals(1, template.split("\\{s}", -1).length - 1, template);
            }
            for (String object : relation.objects()) {
                assertTrue(object.matches("[A-Za-z]+"), object);
                assertTrue(objects.add(object), object);
            }
        }
    }

    @Test
    void editsInstallAnotherObjectOfTheSamePool() {
        Map<String, Relation> relations =
                World.RELATIONS.stream().collect(Collectors.toMap(Relation::key, Function.identity()));
        for (EditRequest edit : WORLD.edits()) {
            Relation relation = relations.get(edit.id().substring(edit.id().indexOf('/') + 1));
            assertEquals(edit.subject() + "/" + relation.key(), edit.id());
            assertNotEquals(edit.groundTruth(), edit.target());
            assertTrue(relation.objects().contains(edit.target()), edit.id());
            assertTrue(relation.objects().contains(edit.groundTruth()), edit.id());
            assertTrue(edit.portability().isEmpty());
        }
    }

    @Test
    void rephrasesAreTheHeldOutPhrasingThenTheOtherTrainingPhrasings() {
        Map<String, String> trained = answers(WORLD.facts());
        Map<String, String> heldOut = answers(WORLD.paraphrases());
        Map<String, Relation> relations =
                World.RELATIONS.stream().collect(Collectors.toMap(Relation::key, Function.identity()));
        for (EditRequest edit : WORLD.edits()) {
            List<String> rephrases = edit.rephrases();
            assertEquals(4, rephrases.size());
            assertFalse(rephrases.contains(edit.prompt()));
            assertEquals(edit.groundTruth(), trained.get(edit.prompt()));
            assertEquals(edit.groundTruth(), heldOut.get(rephrases.get(0)));
            rephrases.subList(1, 4).forEach(prompt -> assertEquals(edit.groundTruth(), trained.get(prompt)));
            List<String> phrasings = new ArrayList<>(rephrases);
            phrasings.add(edit.prompt());
            Relation relation = relations.get(edit.id().substring(edit.id().indexOf('/') + 1));
            assertEquals(
                    Set.copyOf(relation.templates()),
                    phrasings.stream()
                            .map(p -> p.replace(edit.subject(), "{s}"))
                            .collect(Collectors.toSet()));
        }
    }

    @Test
    void heldOutPhrasingsAreNeverTrainedOn() {
        Set<String> trained = answers(WORLD.facts()).keySet();
        for (Completion paraphrase : WORLD.paraphrases()) {
            assertFalse(trained.contains(paraphrase.prompt()), paraphrase.prompt());
        }
    }

    @Test
    void localityProbesAskOtherFactsWithTheirTrueAnswers() {
        Map<String, String> trained = answers(WORLD.facts());
        for (EditRequest edit : WORLD.edits()) {
            assertEquals(2, edit.locality().size());
            for (Probe probe : edit.locality()) {
                assertNotEquals(edit.prompt(), probe.prompt());
                assertEquals(trained.get(probe.prompt()), probe.answer(), probe.prompt());
            }
            assertFalse(edit.locality().get(0).prompt().contains(edit.subject()));
            assertTrue(edit.locality().get(1).prompt().contains(edit.subject()));
        }
    }

    @Test
    void namesAreUniqueCapitalisedWordsDistinctFromEveryOtherWord() {
        Set<String> words = new HashSet<>();
        for (Relation relation : World.RELATIONS) {
            relation.objects().forEach(object -> words.add(object.toLowerCase(Locale.ROOT)));
            relation.templates()
                    .forEach(template -> words.addAll(List.of(
                            template.replace("{s}", "").toLowerCase(Locale.ROOT).split("[^a-z]+"))));
        }
        List<String> names = World.generate(1, World.MAX_SUBJECTS).edits().stream()
                .map(EditRequest::subject)
                .distinct()
                .toList();
        assertEquals(World.MAX_SUBJECTS, names.size());
        for (String name : names) {
            assertTrue(name.matches("[A-Z][a-z]+"), name);
            assertFalse(words.contains(name.toLowerCase(Locale.ROOT)), name);
        }
    }

    @Test
    void rejectsImpossibleSizes() {
        assertThrows(IllegalArgumentException.class, () -> World.generate(7, 1));
        assertThrows(IllegalArgumentException.class, () -> World.generate(7, 0));
        assertThrows(IllegalArgumentException.class, () -> World.generate(7, World.MAX_SUBJECTS + 1));
    }

    private static Map<String, String> answers(List<Completion> completions) {
        Map<String, String> answers = new HashMap<>();
        completions.forEach(c -> assertNull(answers.put(c.prompt(), c.target()), c.prompt()));
        return answers;
    }
}
