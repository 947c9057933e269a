package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One loaded base model. Its weights are frozen and shared by all its sessions; as a {@link
 * LanguageModel} it is the unedited model.
 */
@ProviderType
public interface ModelHandle extends LanguageModel {

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

    /** The number of transformer blocks. */
    int layers();

    /** The most tokens one forward pass takes (prompt and target together). */
    int contextLength();

    /**
     * The name of a module of block {@code layer}, whatever the architecture calls it: e.g. {@link
     * ModuleRole#MLP_UP} is {@code transformer.h.5.mlp.c_fc} on GPT-2 and {@code
     * model.layers.5.mlp.up_proj} on LLaMA. Linear modules' weights are {@code module + ".weight"}.
     *
     * @throws IllegalArgumentException when {@code layer} is out of range
     */
    String module(int layer, ModuleRole role);

    /**
     * Opens a new session over this model: cheap, no base weight is copied.
     *
     * @param name a label for listings; the session's id is generated and unique
     */
    EditSession openSession(String name);

    /** The open sessions of this model. */
    List<EditSession> sessions();

    /**
     * Opens a session from a file written by {@link EditSession#save}: its deltas are restored, and
     * the extra tensors saved with it are copied into the new session's manager.
     *
     * @throws ModelException when the file is unreadable or was saved from a model of other shapes
     */
    RestoredSession restoreSession(String name, Path file) throws ModelException;
}
