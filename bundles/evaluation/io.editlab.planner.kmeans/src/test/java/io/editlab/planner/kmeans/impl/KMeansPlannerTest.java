package io.editlab.planner.kmeans.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.plan.PlanningContext;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.runtime.impl.DjlRuntime;
import io.editlab.runtime.testing.Configs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The planner on a real (barely trained) tiny GPT-2: only its token embeddings matter here. */
class KMeansPlannerTest {

    static final String[] PEOPLE = {"Ana", "Bo", "Cyr", "Dag", "Eli", "Fen", "Gus", "Hal", "Ivo", "Jan", "Kai", "Lou"};
    static final String[] TEMPLATES = {"{s} lives in the city of", "the favourite colour that {s} likes is"};

    @TempDir
    static Path dir;

    static DjlRuntime runtime;
    static ModelHandle model;
    static List<EditRequest> edits;

    @BeforeAll
    static void load() throws Exception {
        runtime = DjlRuntime.standalone("cpu");
        List<Completion> facts = new ArrayList<>();
        edits = new ArrayList<>();
        for (int p = 0; p < PEOPLE.length; p++) {
            for (String template : TEMPLATES) {
                String prompt = template.replace("{s}", PEOPLE[p]);
                facts.add(new Completion(prompt, p % 2 == 0 ? "Oslo" : "red"));
                edits.add(EditRequest.of(PEOPLE[p] + "/" + template.length(), prompt, "Lima"));
            }
        }
        runtime.pretrain(
                new PretrainingSpec(1, 16, 2, 1, 8, 1e-3f, 1.0, 1),
                facts,
                List.of(),
                dir.resolve("m"),
                (s, d, t) -> {});
        model = runtime.load("m", dir.resolve("m"));
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    static KMeansPlanner planner(Map<String, Object> values) {
        return new KMeansPlanner(Configs.of(KMeansConfig.class, values));
    }

    static PlanningContext context(int batchSize, long seed) {
        return new PlanningContext() {
            @Override
            public ModelHandle model() {
                return model;
            }

            @Override
            public int batchSize() {
                return batchSize;
            }

            @Override
            public long seed() {
                return seed;
            }
        };
    }

    @Test
    void aPlanIsAPermutationAndTheSameSeedGivesTheSameOrder() {
        List<EditRequest> first = planner(Map.of()).plan(edits, context(4, 11));
        assertEquals(edits.size(), first.size());
        assertEquals(new HashSet<>(edits), new HashSet<>(first));
        assertEquals(first, planner(Map.of()).plan(List.copyOf(edits), context(4, 11)), "deterministic for a seed");
        Set<List<EditRequest>> plans = new HashSet<>();
        for (long seed = 0; seed < 6; seed++) {
            plans.add(planner(Map.of()).plan(edits, context(3, seed)));
        }
        assertTrue(plans.size() > 1, "the seed drives the k-means++ seeding");
    }

    @Test
    void twoClustersSeparateTheTwoPhrasings() {
        List<EditRequest> planned = planner(Map.of("clusters", 2)).plan(edits, context(4, 1));
        Set<String> firstHalf = new HashSet<>();
        Set<String> secondHalf = new HashSet<>();
        for (int i = 0; i < planned.size(); i++) {
            String kind = planned.get(i).prompt().startsWith("the favourite") ? "colour" : "city";
            (i < planned.size() / 2 ? firstHalf : secondHalf).add(kind);
        }
        assertEquals(1, firstHalf.size(), "the first cluster holds one phrasing: " + planned);
        assertEquals(1, secondHalf.size(), "the second cluster holds the other: " + planned);
        assertNotEquals(firstHalf, secondHalf);
    }

    @Test
    void clustersComeLargestFirstAndKeepTheStreamOrder() {
        // three clusters over edits 0..5: sizes 1, 3, 2
        KMeans.Clusters clusters = new KMeans.Clusters(new int[] {0, 1, 2, 1, 2, 1}, 3, 1);
        List<EditRequest> six = edits.subList(0, 6);
        List<EditRequest> planned = KMeansPlanner.order(six, clusters);
        assertEquals(List.of(six.get(1), six.get(3), six.get(5), six.get(2), six.get(4), six.get(0)), planned);
    }

    @Test
    void badConfigurationNamesTheAttribute() {
        IllegalArgumentException clusters =
                assertThrows(IllegalArgumentException.class, () -> planner(Map.of("clusters", 0)));
        assertTrue(clusters.getMessage().contains("clusters"), clusters.getMessage());
        IllegalArgumentException iterations =
                assertThrows(IllegalArgumentException.class, () -> planner(Map.of("iterations", 0)));
        assertTrue(iterations.getMessage().contains("iterations"), iterations.getMessage());
    }

    @Test
    void oneOrNoEditNeedsNoPlan() {
        assertEquals(List.of(), planner(Map.of()).plan(List.of(), context(4, 1)));
        assertEquals(edits.subList(0, 1), planner(Map.of()).plan(edits.subList(0, 1), context(4, 1)));
    }
}
