package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The state of one forward pass, shared by every adapter it calls. Adapters pass values to later
 * adapters of the same pass through attributes (ELDER's query vector, LEMoE's instance embedding),
 * never through static fields.
 */
@ProviderType
public interface ForwardContext {

    /** Scratch manager of this pass; closed when the pass's results are released. */
    NDManager manager();

    /** The input token ids, {@code [batch, sequence]}. */
    NDArray tokenIds();

    /**
     * Per sequence, the position of the last prompt token: where routing queries are read. For
     * teacher-forced inputs the answer tokens follow it.
     */
    int[] queryPositions();

    /** True when gradients are being collected for an edit step. */
    boolean training();

    /** Stores a value for later adapters of this pass. */
    void setAttribute(String key, Object value);

    /** A value stored by an earlier adapter of this pass. */
    <T> Optional<T> attribute(String key, Class<T> type);
}
