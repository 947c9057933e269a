package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** One loaded base model. Its weights are frozen and shared by all its sessions. */
@ProviderType
public interface ModelHandle {

    ModelInfo info();

    /** Every named parameter of the base model, in checkpoint order. */
    List<ParameterInfo> parameters();

    Optional<ParameterInfo> parameterInfo(String name);

    /**
     * A private copy of a base parameter, allocated in {@code into}: safe to change.
     *
     * @throws IllegalArgumentException when the model has no such parameter
     */
    NDArray copyParameter(String name, NDManager into);

    /**
     * The shared base tensor itself, for reading without a copy (embeddings for planners, norms for
     * constraints). Read-only by contract: changing it would change every session. Results of
     * operations on it land in its manager, so pass your own manager where DJL allows (e.g. {@code
     * get(manager, index)}) or use {@link #copyParameter}.
     *
     * @throws IllegalArgumentException when the model has no such parameter
     */
    NDArray parameter(String name);

    /** The module names where adapters may be hooked, in forward order. */
    List<String> modules();

    /**
     * Opens a new session over this model: cheap, no base weight is copied.
     *
     * @param name a label for listings; the session's id is generated and unique
     */
    EditSession openSession(String name);

    /** The open sessions of this model. */
    List<EditSession> sessions();
}
