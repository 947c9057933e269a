package io.editlab.malmen.hypernet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both weight conventions on real (tiny, random) models: GPT-2's Conv1D stored {@code [in, out]}
 * and LLaMA's Linear stored {@code [out, in]}. A shift {@code S} given as {@code [key, value]} must
 * change the module's output at key {@code u} by exactly {@code u S}, and a stored weight gradient
 * converted to {@code [key, value]} must equal the captures' {@code U^T Delta}.
 */
class LayoutsTest {

    static final List<Completion> BATCH = List.of(
            new Completion("the capital of france is", "paris"),
            new Completion("the capital of italy is a", "city of rome"));

    @TempDir
    static Path dir;

    static DjlRuntime runtime;
    static NDManager manager;

    @BeforeAll
    static void start() throws Exception {
        runtime = DjlRuntime.standalone("cpu");
        manager = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
        runtime.load("gpt2", TinyModels.gpt2(dir.resolve("gpt2"), manager));
        runtime.load("llama", TinyModels.llama(dir.resolve("llama"), manager));
    }

    @AfterAll
    static void stop() {
        manager.close();
        runtime.close();
    }

    @Test
    void aShiftChangesTheModuleOutputByKeysTimesShiftInBothLayouts() throws Exception {
        for (String kind : List.of("gpt2", "llama")) {
            ModelHandle model = load(kind);
            String module = model.module(1, ModuleRole.MLP_DOWN);
            ParameterInfo info = model.parameterInfo(module + ".weight").orElseThrow();
            assertEquals(kind.equals("gpt2") ? WeightLayout.IN_OUT : WeightLayout.OUT_IN, info.layout());
            int key = Layouts.keySize(info);
            int value = Layouts.valueSize(info);
            assertEquals(24, key, kind);
            assertEquals(16, value, kind);
            try (EditSession session = model.openSession("layout");
                    NDManager scratch = manager.newSubManager()) {
                List<float[]> seen = new ArrayList<>();
                AdapterRegistration spy = session.addAdapter(module, (context, input, output) -> {
                    seen.add(input.toFloatArray());
                    seen.add(output.toFloatArray());
                    return output;
                });
                session.score(BATCH.subList(0, 1));
                float[] input = seen.get(0);
                float[] before = seen.get(1);
                seen.clear();
                NDArray shift = scratch.randomNormal(new Shape(key, value));
                Layouts.addShift(session.delta(info.name()), info.layout(), shift);
                session.score(BATCH.subList(0, 1));
                float[] after = seen.get(1);
                assertArrayEquals(input, seen.get(0), "the module's input does not change");
                int rows = input.length / key;
                float[] s = shift.toFloatArray();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < value; j++) {
                        double expected = 0;
                        for (int i = 0; i < key; i++) {
                            expected += input[r * key + i] * s[i * value + j];
                        }
                        assertEquals(
                                expected,
                                after[r * value + j] - before[r * value + j],
                                1e-4 * Math.max(1, Math.abs(expected)),
                                kind + " row " + r + " column " + j);
                    }
                }
                spy.close();
            }
        }
    }

    @Test
    void aStoredWeightGradientAsKeyValueEqualsTheCapturesProduct() throws Exception {
        for (String kind : List.of("gpt2", "llama")) {
            ModelHandle model = load(kind);
            String module = model.module(0, ModuleRole.MLP_DOWN);
            ParameterInfo info = model.parameterInfo(module + ".weight").orElseThrow();
            try (EditSession session = model.openSession("gradient");
                    NDManager scratch = manager.newSubManager()) {
                NDArray delta = session.delta(info.name());
                delta.setRequiresGradient(true);
                ForwardResult result;
                try (GradientCollector collector = session.newGradientCollector()) {
                    result = session.forward(
                            scratch, BATCH, new ForwardOptions(false, Set.of(module), CaptureTokens.ALL));
                    collector.backward(result.loss());
                }
                NDArray keys = result.capture(module).orElseThrow().inputs();
                NDArray grads = result.capture(module).orElseThrow().outputGradients();
                float[] factored = keys.transpose().matMul(grads).toFloatArray();
                try (NDArray stored = delta.getGradient()) {
                    NDArray keyValue = Layouts.keyValue(stored, info.layout(), scratch);
                    assertEquals(new Shape(Layouts.keySize(info), Layouts.valueSize(info)), keyValue.getShape());
                    float[] converted = keyValue.toFloatArray();
                    double scale = 0;
                    for (float f : factored) {
                        scale = Math.max(scale, Math.abs(f));
                    }
                    assertTrue(scale > 0, "the gradient is not zero");
                    assertArrayEquals(factored, converted, (float) (1e-5 * scale), kind);
                }
                delta.setRequiresGradient(false);
            }
        }
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray delta = scratch.zeros(new Shape(3, 5));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Layouts.addShift(delta, WeightLayout.IN_OUT, scratch.zeros(new Shape(5, 3))));
            Layouts.addShift(delta, WeightLayout.OUT_IN, scratch.ones(new Shape(5, 3)));
            assertEquals(15f, delta.sum().getFloat());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Layouts.addShift(delta, WeightLayout.NONE, scratch.zeros(new Shape(3, 5))));
        }
    }

    private static ModelHandle load(String kind) {
        return runtime.model(kind).orElseThrow();
    }
}
