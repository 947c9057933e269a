package io.editlab.ultraedit.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.Capture;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An UltraEdit editor for one session (README). Each call: one forward and backward pass of the
 * batch's completions on the session as edited so far, capturing at every edited module its inputs
 * {@code K} and the loss's gradients {@code G} at the target tokens; the running statistics of the
 * rows {@code [k, g]} (one per module shape, over the whole stream) take them in; with {@code [k^,
 * g^]} the rows normalised by those statistics, the pseudo-values are {@code v = -lr |k^|^2 g^}, and
 * each module's weight moves by the ridge solution {@code (K^T K + I)^-1 K^T V}. All shifts are
 * computed before any is added, so a failing call changes nothing.
 */
final class UltraEditor implements Editor {

    static final String FORMAT_KEY = "ultraedit.format";
    static final String FORMAT = "1";
    static final String WEIGHTS_KEY = "ultraedit.weights";
    static final String STATISTICS = "ultraedit.statistics.";

    private final EditSession session;
    private final UltraEditSettings settings;
    /** One set of running statistics per module shape ({@code in x out}), shared by modules of that shape. */
    private final Map<String, RunningStatistics> statistics = new LinkedHashMap<>();

    private boolean closed;

    UltraEditor(EditSession session, UltraEditSettings settings) {
        this.session = session;
        this.settings = settings;
        for (ParameterInfo weight : settings.weights()) {
            statistics.computeIfAbsent(shape(weight), s -> new RunningStatistics(in(weight) + out(weight)));
        }
    }

    /** Stats: {@code loss} (before the edit), {@code shift_norm} (Frobenius norm of all shifts). */
    @Override
    public synchronized EditResult apply(List<EditRequest> batch) throws EditException {
        requireOpen();
        long start = System.nanoTime();
        if (batch.isEmpty()) {
            return new EditResult(0, System.nanoTime() - start, Set.of(), Map.of());
        }
        List<Completion> completions =
                batch.stream().map(r -> new Completion(r.prompt(), r.target())).toList();
        Set<String> modules =
                settings.weights().stream().map(UltraEditor::module).collect(Collectors.toSet());
        try (NDManager scratch = session.manager().newSubManager()) {
            float loss;
            Map<String, float[]> keys = new LinkedHashMap<>();
            Map<String, float[]> gradients = new LinkedHashMap<>();
            try (GradientCollector collector = session.newGradientCollector()) {
                ForwardResult result = session.forward(
                        scratch, completions, new ForwardOptions(true, modules, ForwardOptions.CaptureTokens.TARGET));
                loss = result.loss().getFloat();
                if (!Float.isFinite(loss)) {
                    throw new EditException(UltraEditSettings.METHOD + ": the batch's loss is " + loss);
                }
                collector.backward(result.loss());
                for (String module : modules) {
                    Capture capture = result.capture(module)
                            .orElseThrow(() -> new IllegalStateException("no capture of " + module));
                    keys.put(
                            module,
                            capture.inputs().toType(DataType.FLOAT32, false).toFloatArray());
                    gradients.put(
                            module,
                            capture.outputGradients()
                                    .toType(DataType.FLOAT32, false)
                                    .toFloatArray());
                }
            } catch (IllegalArgumentException e) {
                throw new EditException(UltraEditSettings.METHOD + ": " + e.getMessage(), e);
            }
            List<NDArray> shifts = new ArrayList<>();
            double squared = 0;
            for (ParameterInfo weight : settings.weights()) {
                String module = module(weight);
                statistics
                        .get(shape(weight))
                        .update(features(keys.get(module), gradients.get(module), in(weight), out(weight)));
            }
            for (ParameterInfo weight : settings.weights()) {
                NDArray shift = shift(weight, keys.get(module(weight)), gradients.get(module(weight)), scratch);
                squared += shift.square().sum().getDouble();
                shifts.add(shift);
            }
            if (!Double.isFinite(squared)) {
                throw new EditException(UltraEditSettings.METHOD + ": the shifts are not finite (loss " + loss + ")");
            }
            for (int i = 0; i < shifts.size(); i++) {
                ParameterInfo weight = settings.weights().get(i);
                NDArray delta = session.delta(weight.name());
                NDArray oriented = weight.layout() == WeightLayout.IN_OUT
                        ? shifts.get(i)
                        : shifts.get(i).transpose();
                delta.addi(oriented.toType(delta.getDataType(), false));
            }
            return new EditResult(
                    batch.size(),
                    System.nanoTime() - start,
                    settings.weights().stream().map(ParameterInfo::name).collect(Collectors.toSet()),
                    Map.of("loss", (double) loss, "shift_norm", Math.sqrt(squared)));
        }
    }

    /** {@code [in, out]}: {@code (K^T K + I)^-1 K^T V} with the pseudo-values {@code V} of the normalised rows. */
    private NDArray shift(ParameterInfo weight, float[] keys, float[] gradients, NDManager scratch) {
        int in = in(weight);
        int out = out(weight);
        int rows = keys.length / in;
        float[] normalised = statistics.get(shape(weight)).normalise(features(keys, gradients, in, out));
        float[] values = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            double keyNorm = 0;
            for (int j = 0; j < in; j++) {
                double x = normalised[r * (in + out) + j];
                keyNorm += x * x;
            }
            double coefficient = -settings.learningRate() * keyNorm;
            for (int j = 0; j < out; j++) {
                values[r * out + j] = (float) (coefficient * normalised[r * (in + out) + in + j]);
            }
        }
        NDArray k = scratch.create(keys, new Shape(rows, in)).toType(DataType.FLOAT64, false);
        NDArray v = scratch.create(values, new Shape(rows, out)).toType(DataType.FLOAT64, false);
        NDArray gram = k.transpose().matMul(k).add(scratch.eye(in, in, 0, DataType.FLOAT64));
        return gram.inverse().matMul(k.transpose().matMul(v));
    }

    /** Rows {@code [k, g]}: each key followed by its gradient. */
    private static float[] features(float[] keys, float[] gradients, int in, int out) {
        int rows = keys.length / in;
        float[] rowsOut = new float[rows * (in + out)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(keys, r * in, rowsOut, r * (in + out), in);
            System.arraycopy(gradients, r * out, rowsOut, r * (in + out) + in, out);
        }
        return rowsOut;
    }

    @Override
    public synchronized EditorState state(NDManager into) {
        requireOpen();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        statistics.forEach((shape, s) -> tensors.put(STATISTICS + shape, into.create(s.toArray())));
        return new EditorState(tensors, Map.of(FORMAT_KEY, FORMAT, WEIGHTS_KEY, weightsText()));
    }

    @Override
    public synchronized void restore(EditorState state) throws EditException {
        requireOpen();
        state.expect(UltraEditSettings.METHOD, FORMAT_KEY, FORMAT);
        state.expect(UltraEditSettings.METHOD, WEIGHTS_KEY, weightsText());
        Map<String, double[]> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, RunningStatistics> entry : statistics.entrySet()) {
            NDArray saved = state.tensor(
                    UltraEditSettings.METHOD,
                    STATISTICS + entry.getKey(),
                    new Shape(1 + 2L * entry.getValue().width()));
            loaded.put(entry.getKey(), saved.toType(DataType.FLOAT64, false).toDoubleArray());
        }
        loaded.forEach((shape, values) -> statistics.get(shape).load(values));
    }

    private String weightsText() {
        return settings.weights().stream().map(ParameterInfo::name).collect(Collectors.joining(","));
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this UltraEdit editor is closed");
        }
    }

    private static String module(ParameterInfo weight) {
        return weight.name().substring(0, weight.name().length() - ".weight".length());
    }

    private static int in(ParameterInfo weight) {
        return Math.toIntExact(
                weight.layout() == WeightLayout.IN_OUT
                        ? weight.shape().get(0)
                        : weight.shape().get(1));
    }

    private static int out(ParameterInfo weight) {
        return Math.toIntExact(
                weight.layout() == WeightLayout.IN_OUT
                        ? weight.shape().get(1)
                        : weight.shape().get(0));
    }

    private static String shape(ParameterInfo weight) {
        return in(weight) + "x" + out(weight);
    }
}
