package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ParameterInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base weights stay in the checkpoint's dtype (or the configured one) from disk to the model, while
 * activations and overlays are float32: a bfloat16 base scores as its float32 twin does within
 * bfloat16's precision, and a float32 delta on it trains.
 */
class PrecisionTest {

    @TempDir
    static Path dir;

    @Test
    void weightsKeepTheCheckpointsDtypeUnlessAnotherIsConfigured() throws Exception {
        Path bf16 = ModelMaker.make("tiny-llama", DataType.BFLOAT16, 2, dir.resolve("bf16"), 3, (s, d, t) -> {})
                .folder();
        assertEquals(DataType.FLOAT16, stored(bf16, "auto"), "auto keeps 2 bytes: bfloat16 as float16");
        assertEquals(DataType.FLOAT32, stored(bf16, "float32"), "float32 widens at load");
        assertEquals(DataType.FLOAT16, stored(bf16, "float16"), "float16 converts at load");
    }

    @Test
    void aFloat32DeltaOnABfloat16BaseTrainsAndTheEditTakes() throws Exception {
        Path bf16 = ModelMaker.make("tiny-gpt2", DataType.BFLOAT16, 1, dir.resolve("train"), 5, (s, d, t) -> {})
                .folder();
        List<Completion> fact = List.of(new Completion("w3 w4 w5", "w42"));
        DjlRuntime runtime = DjlRuntime.standalone("cpu");
        try (EditSession session = runtime.load("m", bf16).openSession("edit");
                NDManager manager = session.manager().newSubManager()) {
            NDArray delta = session.delta("transformer.h.1.mlp.c_proj.weight");
            assertEquals(DataType.FLOAT32, delta.getDataType(), "the overlay is float32");
            float before = loss(session, manager, fact);
            delta.setRequiresGradient(true);
            for (int step = 0; step < 30; step++) {
                try (NDManager pass = manager.newSubManager();
                        GradientCollector collector = session.newGradientCollector()) {
                    collector.backward(
                            session.forward(pass, fact, ForwardOptions.TRAINING).loss());
                }
                try (NDArray gradient = delta.getGradient()) {
                    float[] g = gradient.toFloatArray();
                    double norm = 0;
                    for (float v : g) {
                        assertTrue(Float.isFinite(v), "a finite gradient");
                        norm += v * v;
                    }
                    assertTrue(norm > 0, "the delta gets a gradient through the bfloat16 base");
                    delta.setRequiresGradient(false);
                    delta.subi(gradient.mul(0.5f / Math.sqrt(norm)));
                    delta.setRequiresGradient(true);
                }
            }
            delta.setRequiresGradient(false);
            float after = loss(session, manager, fact);
            assertTrue(after < before - 1, "the edit takes: loss " + before + " -> " + after);
            assertTrue(session.score(fact).get(0).exactMatch(), "the new target is the argmax after the edit");
        } finally {
            runtime.close();
        }
    }

    @Test
    void aScoringPassHoldsTheFloat32CopiesOfOneBlockAtATime() {
        boolean before = JniUtils.isGradMode();
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
                NDManager scratch = manager.newSubManager()) {
            NDArray stored = manager.ones(new Shape(4, 4)).toType(DataType.FLOAT16, false);
            Pass pass = new Pass(
                    scratch,
                    scratch.zeros(new Shape(1, 1), DataType.INT64),
                    new int[] {0},
                    false,
                    Map.of("w", stored),
                    Overlay.NONE,
                    Set.of(),
                    null,
                    () -> 0);
            NDArray plain = scratch.zeros(new Shape(2));
            NDArray traced = scratch.zeros(new Shape(2));
            traced.setRequiresGradient(true);
            JniUtils.setGradMode(false);
            NDArray wide = pass.weight("w");
            assertEquals(DataType.FLOAT32, wide.getDataType(), "computed in float32");
            assertSame(wide, pass.weight("w"), "widened once per block");
            pass.releaseWidened(plain);
            assertTrue(wide.isReleased(), "freed after the block when no gradient is recorded");
            JniUtils.setGradMode(true);
            NDArray early = pass.weight("w");
            pass.releaseWidened(plain);
            assertTrue(early.isReleased(), "freed while training when the block's output is outside the graph");
            NDArray late = pass.weight("w");
            pass.releaseWidened(traced);
            assertFalse(late.isReleased(), "kept when the block's output is in the graph: backward needs it");
            traced.setRequiresGradient(false);
        } finally {
            JniUtils.setGradMode(before);
        }
    }

    private static float loss(EditSession session, NDManager manager, List<Completion> fact) {
        try (NDManager pass = manager.newSubManager()) {
            return session.forward(pass, fact, ForwardOptions.INFERENCE).loss().getFloat();
        }
    }

    /** The stored type of a weight of {@code folder} loaded by a runtime configured with {@code dtype}. */
    private static DataType stored(Path folder, String dtype) throws Exception {
        DjlRuntime runtime = DjlRuntime.standalone("cpu", dtype);
        try {
            ModelHandle model = runtime.load("m", folder);
            ParameterInfo info =
                    model.parameterInfo("model.layers.0.mlp.down_proj.weight").orElseThrow();
            return info.dataType();
        } finally {
            runtime.close();
        }
    }
}
