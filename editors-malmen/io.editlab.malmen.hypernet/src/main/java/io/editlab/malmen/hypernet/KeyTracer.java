package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.Capture;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.LanguageModel;
import io.editlab.api.model.Tokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Step 1 of MALMEN and MEND (README, 'What it provides'): for a mini-batch of (prompt, target) completions,
 * one teacher-forced forward pass that captures the edited modules' inputs (keys) at the selected
 * positions, then backward of the mini-batch's mean target loss, which fills in the value gradients
 * (the loss's gradient with respect to each module's output at those positions).
 */
public final class KeyTracer {

    /** Receives one module's keys and value gradients of one mini-batch. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param keys {@code [rows, key]}, owned by the mini-batch's manager (closed after the batch)
         * @param gradients {@code [rows, value]}, same rows, same owner
         */
        void accept(EditedModule module, NDArray keys, NDArray gradients) throws EditException;
    }

    private KeyTracer() {}

    /**
     * The completions in mini-batches of at most {@code batchSize}, longest first (as MALMEN's loader
     * sorts a chunk's tuples by length before cutting it), so that padding stays small.
     */
    public static List<List<Completion>> batches(Tokenizer tokenizer, List<Completion> items, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive");
        }
        List<Completion> sorted = new ArrayList<>(items);
        List<Integer> lengths = new ArrayList<>();
        for (Completion c : items) {
            lengths.add(tokenizer.encode(c.prompt()).length + tokenizer.encodeContinuation(c.target()).length);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> lengths.get(i)).reversed());
        sorted.clear();
        order.forEach(i -> sorted.add(items.get(i)));
        List<List<Completion>> batches = new ArrayList<>();
        for (int from = 0; from < sorted.size(); from += batchSize) {
            batches.add(List.copyOf(sorted.subList(from, Math.min(sorted.size(), from + batchSize))));
        }
        return batches;
    }

    /**
     * Traces one mini-batch through {@code model} and hands each module's keys and value gradients
     * to {@code sink}, in module order. The value gradients are those of the mini-batch's mean target
     * loss (official MALMEN) scaled by {@code batch.size() / batchSize}: for a full mini-batch exactly
     * the official gradients, and a partial one (the last of a call) counts as full, so that its
     * facts' gradients are not inflated (a call of 100 facts in mini-batches of 32 would otherwise give
     * its last 4 facts eight times the scale the hyper-network was trained on).
     *
     * @param manager the mini-batch's manager: everything the pass allocates goes there
     * @param batchSize the nominal mini-batch size ({@code lmBatchSize})
     * @return the mini-batch's mean target loss
     * @throws EditException when the loss is not finite (the keys and gradients would be garbage), or
     *     a completion does not fit the model
     */
    public static float trace(
            LanguageModel model,
            NDManager manager,
            List<Completion> batch,
            List<EditedModule> modules,
            CaptureTokens tokens,
            int batchSize,
            Sink sink)
            throws EditException {
        if (batch.size() > batchSize) {
            throw new IllegalArgumentException("a mini-batch of " + batch.size() + " is larger than " + batchSize);
        }
        Set<String> names = new LinkedHashSet<>();
        modules.forEach(m -> names.add(m.module()));
        for (int attempt = 1; ; attempt++) {
            ForwardResult result;
            float loss;
            try (GradientCollector collector = model.newGradientCollector()) {
                result = model.forward(manager, batch, new ForwardOptions(false, names, tokens));
                NDArray mean = result.loss();
                loss = mean.getFloat();
                if (!Float.isFinite(loss)) {
                    throw new EditException("the target loss of a mini-batch is " + loss + " (first prompt '"
                            + batch.get(0).prompt() + "'): the model's outputs are not finite");
                }
                // a partial mini-batch counts as a full one with the missing facts' loss zero, so that
                // every fact's value gradient has the same scale whatever the size of its call
                collector.backward(batch.size() == batchSize ? mean : mean.mul(batch.size() / (float) batchSize));
            } catch (IllegalArgumentException e) {
                throw new EditException(e.getMessage(), e);
            }
            List<Capture> captures = new ArrayList<>();
            boolean finite = true;
            for (EditedModule module : modules) {
                Capture capture = result.capture(module.module())
                        .orElseThrow(() -> new IllegalStateException("the runtime did not capture " + module.module()));
                captures.add(capture);
                finite &= isFinite(capture.inputs()) && isFinite(capture.outputGradients());
            }
            if (!finite) {
                // PyTorch's CPU backward very occasionally yields a lone non-finite gradient (djl-perf.md):
                // the mini-batch is traced again once; statistics and sums must never see such rows
                if (attempt < 2) {
                    continue;
                }
                throw new EditException("the keys or value gradients of a mini-batch are not finite twice in a row"
                        + " (first prompt '" + batch.get(0).prompt() + "')");
            }
            for (int i = 0; i < modules.size(); i++) {
                sink.accept(
                        modules.get(i),
                        captures.get(i).inputs(),
                        captures.get(i).outputGradients());
            }
            return loss;
        }
    }

    /** Whether every element is finite (a NaN or infinity makes the sum non-finite). */
    static boolean isFinite(NDArray array) {
        try (NDArray sum = array.sum()) {
            return Double.isFinite(sum.getDataType() == DataType.FLOAT64 ? sum.getDouble() : sum.getFloat());
        }
    }
}
