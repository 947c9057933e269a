package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A differentiable teacher-forced forward pass over a batch of {@link Completion}s. Rows are the
 * positions that predict target tokens, example after example. Every array belongs to the manager
 * the pass was run with.
 */
@ProviderType
public interface ForwardResult {

    /** {@code [rows, vocabulary]} logits. */
    NDArray logits();

    /** {@code [rows]} int64 target token ids. */
    NDArray targets();

    /** For each row, the index of its example in the batch. */
    int[] rowExamples();

    /** {@code [rows]} log-probability of each target token (differentiable). */
    NDArray targetLogProbs();

    /** Mean negative log-likelihood over all rows: the usual language-model loss (a scalar). */
    NDArray loss();

    /** The context the pass's adapters saw (attributes they stored stay readable). */
    ForwardContext context();

    /** The capture of a module requested in {@link ForwardOptions#capture()}. */
    Optional<Capture> capture(String module);
}
