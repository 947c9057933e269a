package io.editlab.ftl.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.TargetScore;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FT-L on a real tiny GPT-2, pretrained once for the class. */
class FtlEditorTest {

    /** Values that make FT-L edit the tiny model (see the README): ROME's block 0, a larger step and bound. */
    static final Map<String, Object> EDITS = Map.of("layer", 0, "learningRate", 1e-2, "normConstraint", 3e-2);

    @TempDir
    static Path dir;

    static DjlRuntime runtime;
    static ModelHandle model;
    static FtlMethod method;
    static String weight;

    @BeforeAll
    static void pretrain() throws Exception {
        runtime = DjlRuntime.standalone("cpu");
        TinyModel.pretrain(runtime, dir.resolve("tiny"));
        model = runtime.load("tiny", dir.resolve("tiny"));
        method = new FtlMethod(TinyModel.defaults());
        weight = model.module(0, ModuleRole.MLP_DOWN) + ".weight";
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void everyElementOfACallsChangeStaysWithinTheConstraint() throws Exception {
        float bound = 1e-3f;
        Map<String, Object> overrides = Map.of("layer", 0, "learningRate", 1e-2, "normConstraint", bound);
        try (EditSession session = model.openSession("constraint");
                Editor editor = method.create(session, overrides)) {
            editor.apply(TinyModel.moves(0, 4));
            float[] before = session.delta(weight).toFloatArray();
            editor.apply(TinyModel.moves(4, 4));
            float[] after = session.delta(weight).toFloatArray();

            assertTrue(largestChange(new float[before.length], before) <= bound + 1e-7, "the first call's change");
            double largest = largestChange(before, after);
            assertTrue(largest <= bound + 1e-7, "largest change " + largest + " exceeds " + bound);
            assertEquals(bound, largest, bound * 1e-3, "25 Adam steps at 1e-2 would go further: the clamp binds");
        }
    }

    @Test
    void editsTheSessionOnlyNeitherTheBaseNorAnotherSession() throws Exception {
        List<EditRequest> edits = TinyModel.moves(0, 4);
        List<TargetScore> base = model.score(TinyModel.facts());
        assertEquals(0.0, TinyModel.exactMatch(model, edits), "the new targets are counterfactual");
        try (EditSession other = model.openSession("other");
                EditSession session = model.openSession("edited");
                Editor editor = method.create(session, EDITS)) {
            EditResult result = editor.apply(edits);

            assertEquals(1.0, TinyModel.exactMatch(session, edits));
            assertEquals(4, result.edits());
            assertEquals(Set.of(weight), result.touched());
            assertEquals(25.0, result.stats().get("steps"));
            assertTrue(
                    result.stats().get("final_loss") < 1.0,
                    "final loss " + result.stats().get("final_loss"));
            assertEquals(Set.of(weight), session.deltas().keySet());
            assertEquals(base, model.score(TinyModel.facts()), "the base model is unchanged");
            assertEquals(base, other.score(TinyModel.facts()), "another session is unchanged");
        }
    }

    @Test
    void laterEditsOverwriteEarlierOnes() throws Exception {
        List<EditRequest> first = TinyModel.moves(0, 4);
        List<List<EditRequest>> later = List.of(TinyModel.recolours(0, 4), TinyModel.recolours(4, 4));
        try (EditSession session = model.openSession("lifelong");
                Editor editor = method.create(session, EDITS)) {
            editor.apply(first);
            double rightAfter = TinyModel.exactMatch(session, first);
            double logProbAfter = TinyModel.meanLogProb(session, first);
            String trace = String.format("exact match %.2f, log-probability %.3f", rightAfter, logProbAfter);
            double last = rightAfter;
            double logProb = logProbAfter;
            for (List<EditRequest> batch : later) {
                editor.apply(batch);
                last = TinyModel.exactMatch(session, first);
                logProb = TinyModel.meanLogProb(session, first);
                trace += String.format(" -> %.2f, %.3f", last, logProb);
            }
            System.out.println("FT-L on the first of 3 batches, after each: " + trace);

            assertEquals(1.0, rightAfter, "the first batch is edited");
            assertTrue(last <= rightAfter, "exact match on the first batch rose: " + trace);
            assertTrue(logProb < logProbAfter, "the first batch's targets lost no probability: " + trace);
        }
    }

    @Test
    void aRestoredStateScoresLikeTheSessionItCameFrom() throws Exception {
        try (EditSession session = model.openSession("saved");
                Editor editor = method.create(session, EDITS);
                NDManager saved = session.manager().newSubManager()) {
            editor.apply(TinyModel.moves(0, 4));
            EditorState state = editor.state(saved);
            List<TargetScore> scores = session.score(TinyModel.facts());
            try (EditSession copy = model.openSession("copy");
                    Editor restored = method.create(copy, EDITS)) {
                restored.restore(state);
                assertEquals(scores, copy.score(TinyModel.facts()));
            }

            editor.apply(TinyModel.moves(4, 4));
            assertNotEquals(scores, session.score(TinyModel.facts()));
            editor.restore(state);
            assertEquals(scores, session.score(TinyModel.facts()), "restoring rolls a later edit back");
        }
    }

    @Test
    void restoreRefusesAStateOfAnotherShapeOrWeight() throws Exception {
        try (EditSession session = model.openSession("refuse");
                Editor editor = method.create(session, EDITS);
                NDManager states = session.manager().newSubManager()) {
            EditorState good = editor.state(states);
            EditorState misshapen =
                    new EditorState(Map.of(FtlEditor.DELTA, states.zeros(new Shape(3, 3))), good.metadata());
            EditException shape = assertThrows(EditException.class, () -> editor.restore(misshapen));
            assertTrue(shape.getMessage().contains("(3, 3)"), shape.getMessage());

            try (Editor upper = method.create(session, Map.of("layer", 1))) {
                EditException other = assertThrows(EditException.class, () -> upper.restore(good));
                assertTrue(other.getMessage().contains(weight), other.getMessage());
            }
        }
    }

    @Test
    void badOverridesAreRefusedNamingTheKey() {
        Map<String, Object> bad = new HashMap<>();
        bad.put("layer", 2);
        bad.put("module", "ATTENTION");
        bad.put("learningRate", "fast");
        bad.put("steps", 0);
        bad.put("normConstraint", -1);
        bad.put("batchSize", 0);
        bad.put("momentum", 0.9);
        try (EditSession session = model.openSession("bad")) {
            bad.forEach((key, value) -> {
                EditException e = assertThrows(EditException.class, () -> method.create(session, Map.of(key, value)));
                assertTrue(e.getMessage().startsWith("ft-l: ") && e.getMessage().contains(key), e.getMessage());
            });
            assertTrue(session.deltas().isEmpty(), "a refused editor touches nothing");
        }
        IllegalArgumentException configured = assertThrows(
                IllegalArgumentException.class,
                () -> new FtlMethod(TinyModel.config(Map.of("module", "MLP_SIDEWAYS"))));
        assertTrue(configured.getMessage().contains("module"), configured.getMessage());
    }

    @Test
    void aDivergingCallFailsAndLeavesTheDeltaAsBefore() throws Exception {
        Map<String, Object> absurd = Map.of("layer", 0, "learningRate", 1e30, "normConstraint", "Infinity");
        try (EditSession session = model.openSession("diverging");
                Editor editor = method.create(session, EDITS);
                Editor wild = method.create(session, absurd)) {
            editor.apply(TinyModel.moves(0, 4));
            float[] before = session.delta(weight).toFloatArray();

            EditException e =
                    assertThrows(EditException.class, () -> wild.applyAtomically(session, TinyModel.moves(4, 4)));
            assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
            assertArrayEquals(before, session.delta(weight).toFloatArray(), "nothing of the failed call remains");

            editor.apply(TinyModel.moves(4, 4));
            assertEquals(1.0, TinyModel.exactMatch(session, TinyModel.moves(4, 4)), "the session still edits");
        }
    }

    private static double largestChange(float[] before, float[] after) {
        double largest = 0;
        for (int i = 0; i < before.length; i++) {
            largest = Math.max(largest, Math.abs((double) after[i] - before[i]));
        }
        return largest;
    }
}
