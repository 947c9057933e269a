package io.editlab.grace.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.grace.impl.Codebook.Action;
import io.editlab.grace.impl.Codebook.Placement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GRACE's codebook rules on two-dimensional keys, without a model. */
class CodebookTest {

    static final float EPSILON = 1f;

    NDManager manager;
    Codebook codebook;

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
        codebook = new Codebook(manager.newSubManager(), 2, 3);
    }

    @AfterEach
    void close() {
        codebook.close();
        manager.close();
    }

    NDArray value(float v) {
        return manager.create(new float[] {v, v, v});
    }

    Placement place(float x, float y, String label) {
        return place(x, y, label, true);
    }

    Placement place(float x, float y, String label, boolean expand) {
        return codebook.place(new float[] {x, y}, label, value(x), EPSILON, expand);
    }

    @Test
    void aKeyFarFromEveryEntryAddsOneWithTheInitialRadius() {
        assertEquals(new Placement(0, Action.ADDED), place(0, 0, "Lima"));
        assertEquals(new Placement(1, Action.ADDED), place(3, 0, "Lima"), "3 > radius 1 + epsilon 1");
        assertEquals(EPSILON, codebook.entries().get(1).radius());
        assertArrayEquals(
                new float[] {3, 3, 3}, codebook.entries().get(1).value().toFloatArray());
    }

    @Test
    void theSameKeyWithTheSameLabelReusesItsEntry() {
        place(0, 0, "Lima");
        assertEquals(new Placement(0, Action.REUSED), place(0, 0, "Lima"));
        assertEquals(new Placement(0, Action.REUSED), place(0.5f, 0, "Lima"), "within the radius");
        assertEquals(1, codebook.size());
        assertEquals(EPSILON, codebook.entries().get(0).radius());
    }

    @Test
    void aNearKeyWithTheSameLabelExpandsTheRadiusToCoverIt() {
        place(0, 0, "Lima");
        assertEquals(new Placement(0, Action.EXPANDED), place(1.5f, 0, "Lima"), "1 < 1.5 <= 1 + 1");
        assertEquals(1, codebook.size());
        float radius = codebook.entries().get(0).radius();
        assertTrue(radius >= 1.5f && radius < 1.501f, "covers the new key, barely: " + radius);
        assertSame(codebook.entries().get(0), Codebook.covering(codebook.entries(), new float[] {1.5f, 0}));
    }

    @Test
    void theMemoAnswersAsTheSearchDoesAndForgetsAnOldSnapshot() {
        CoveringMemo memo = new CoveringMemo();
        place(0, 0, "Lima");
        float[] query = {1.5f, 0};
        assertNull(memo.covering(codebook.entries(), query), "outside radius 1");
        query[0] = 0.5f; // the memo keeps its own copy of a query
        assertSame(codebook.entries().get(0), memo.covering(codebook.entries(), query));
        place(1.5f, 0, "Lima"); // grows the radius: a new snapshot
        assertSame(codebook.entries().get(0), memo.covering(codebook.entries(), new float[] {1.5f, 0}));
        for (int i = 0; i < 2 * CoveringMemo.CAPACITY; i++) { // more queries than it keeps
            assertNull(memo.covering(codebook.entries(), new float[] {10 + i, 0}));
        }
        assertSame(codebook.entries().get(0), memo.covering(codebook.entries(), new float[] {1.5f, 0}));
    }

    @Test
    void theNearestOfManyKeysIsTheOneAFullSearchFinds() {
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 200; i++) {
            place(random.nextFloat() * 100, random.nextFloat() * 100, "label" + i);
        }
        for (int q = 0; q < 50; q++) {
            float[] query = {random.nextFloat() * 100, random.nextFloat() * 100};
            int best = 0;
            for (int i = 1; i < codebook.size(); i++) {
                if (KeyProbe.distance(codebook.entries().get(i).key(), query)
                        < KeyProbe.distance(codebook.entries().get(best).key(), query)) {
                    best = i;
                }
            }
            assertEquals(
                    best,
                    Codebook.nearest(codebook.entries(), query).orElseThrow().index());
        }
    }

    @Test
    void withoutExpansionANearKeyWithTheSameLabelGetsAnEntryOfItsOwn() {
        place(0, 0, "Lima");
        assertEquals(new Placement(1, Action.ADDED), place(1.5f, 0, "Lima", false));
        assertEquals(EPSILON, codebook.entries().get(0).radius());
    }

    @Test
    void aNearKeyWithAnotherLabelSplitsTheRadii() {
        place(0, 0, "Lima");
        assertEquals(new Placement(1, Action.SPLIT), place(1.2f, 0, "Rome"));
        assertEquals(2, codebook.size());
        assertEquals(0.6f, codebook.entries().get(0).radius(), 1e-6f);
        assertEquals(0.6f, codebook.entries().get(1).radius(), 1e-6f);
        assertEquals(
                "Lima",
                Codebook.covering(codebook.entries(), new float[] {0.1f, 0}).label());
        assertEquals(
                "Rome",
                Codebook.covering(codebook.entries(), new float[] {1.1f, 0}).label());
        assertNull(Codebook.covering(codebook.entries(), new float[] {0.6f, 1}), "in neither radius");
    }

    @Test
    void aSplitNeverGrowsARadius() {
        place(0, 0, "Lima");
        place(1.2f, 0, "Rome"); // radius of Lima now 0.6
        assertEquals(new Placement(2, Action.SPLIT), place(-1.5f, 0, "Kyiv"), "1.5 <= 0.6 + 1");
        assertEquals(0.6f, codebook.entries().get(0).radius(), 1e-6f);
        assertEquals(0.75f, codebook.entries().get(2).radius(), 1e-6f);
    }

    @Test
    void theSameKeyWithAnotherLabelRelabelsItsEntry() {
        place(0, 0, "Lima");
        assertEquals(new Placement(0, Action.RELABELLED), place(0, 0, "Rome"));
        assertEquals(1, codebook.size());
        assertEquals("Rome", codebook.entries().get(0).label());
        assertEquals(EPSILON, codebook.entries().get(0).radius());
    }

    @Test
    void keysOfAnotherWidthAreRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> codebook.place(new float[] {1, 2, 3}, "Lima", value(0), EPSILON, true));
    }
}
