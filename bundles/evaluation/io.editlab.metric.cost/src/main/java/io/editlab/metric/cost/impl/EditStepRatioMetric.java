package io.editlab.metric.cost.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditResult;
import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ParameterInfo;
import io.editlab.editkit.ProcessMemory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.osgi.service.component.annotations.Component;

/**
 * {@code edit_step_ratio}: how much an editor's optimisation step costs compared with a plain
 * forward and backward pass of the same model on the same batch. The editor reports the mean wall time
 * of its steps as the stat {@code step_seconds} of each apply call (editors without inner steps report
 * none, and the value is NaN); the reference is measured here on the base model through a scratch
 * session whose every weight gets a trainable zero delta, so the backward pass computes the gradient
 * of every weight, as fine-tuning the whole model would (median of {@value #REPEATS} timed passes after
 * one warm-up, on the first {@code batch} of the stream). The scratch session needs a float32 delta
 * and a float32 gradient for every weight while it lives, twice the model's size in float32 on top of
 * the model: when the machine has less memory available than that (a 7B model needs 54 GB), the
 * metric fails with a message saying so instead of running the process out of memory.
 */
@EditlabMetric(EditStepRatioMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class EditStepRatioMetric implements Metric {

    static final String NAME_VALUE = "edit_step_ratio";
    static final String STAT = EditResult.STEP_SECONDS;
    static final int REPEATS = 5;
    private static final double GIB = 1L << 30;

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        return of(
                context.results(),
                batch -> forwardBackwardSeconds(
                        context.base(),
                        context.edits().stream()
                                .limit(batch)
                                .map(r -> new Completion(r.prompt(), r.target()))
                                .toList()));
    }

    /**
     * The ratio from the apply results that report {@link #STAT}; {@code plainSeconds} measures the
     * reference for a batch of the given size (their mean size), and is not called when none do.
     */
    static MetricResult of(List<EditResult> results, IntToDoubleFunction plainSeconds) {
        List<EditResult> stepped = results.stream()
                .filter(r -> r.stats().containsKey(STAT) && r.edits() > 0)
                .toList();
        if (stepped.isEmpty()) {
            return new MetricResult(NAME_VALUE, Double.NaN, 0, Map.of());
        }
        double step =
                stepped.stream().mapToDouble(r -> r.stats().get(STAT)).average().orElseThrow();
        int batch = (int) Math.round(
                stepped.stream().mapToLong(EditResult::edits).average().orElseThrow());
        double plain = plainSeconds.applyAsDouble(batch);
        return new MetricResult(
                NAME_VALUE, step / plain, stepped.size(), Map.of(STAT, step, "forward_backward_seconds", plain));
    }

    /** The median wall time of a forward and backward pass with every weight trainable. */
    static double forwardBackwardSeconds(ModelHandle model, List<Completion> items) {
        requireMemory(scratchBytes(model.parameters()), ProcessMemory.availableBytes());
        double[] seconds = new double[REPEATS];
        try (EditSession scratch = model.openSession("edit_step_ratio")) {
            List<NDArray> deltas = model.parameters().stream()
                    .map(ParameterInfo::name)
                    .map(scratch::delta)
                    .toList();
            deltas.forEach(d -> d.setRequiresGradient(true));
            for (int i = -1; i < REPEATS; i++) {
                long start = System.nanoTime();
                try (NDManager manager = scratch.manager().newSubManager();
                        GradientCollector collector = scratch.newGradientCollector()) {
                    collector.backward(scratch.forward(manager, items, ForwardOptions.TRAINING)
                            .loss());
                }
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        Arrays.sort(seconds);
        return seconds[REPEATS / 2];
    }

    /** The bytes of a float32 delta and its float32 gradient for every weight. */
    static long scratchBytes(List<ParameterInfo> parameters) {
        return parameters.stream().mapToLong(p -> p.shape().size()).sum() * 2 * Float.BYTES;
    }

    /**
     * Fails, saying why, when {@code needed} bytes exceed the {@code available} ones (-1: unknown,
     * then the measurement goes ahead).
     */
    static void requireMemory(long needed, long available) {
        if (available >= 0 && needed > available) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "%s skipped: its reference pass trains every weight of the model, which needs %.1f GiB for"
                            + " float32 deltas and gradients, and the machine has %.1f GiB available",
                    NAME_VALUE,
                    needed / GIB,
                    available / GIB));
        }
    }
}
