package io.editlab.api.model;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Owns the compute engine and the loaded base models. There is one runtime per process; it picks
 * the GPU when the engine sees one and the CPU otherwise.
 */
@ProviderType
public interface ModelRuntime {

    /**
     * Loads a model folder in Hugging Face layout ({@code config.json} plus safetensors weights)
     * under an id. Loading an id that is already loaded is an error: unload it first.
     *
     * @throws ModelException when the folder is missing, malformed or not supported; the message
     *     names the file and, where it applies, the tensor
     */
    ModelHandle load(String id, Path folder) throws ModelException;

    /** The loaded model with this id, if any. */
    Optional<ModelHandle> model(String id);

    /** All loaded models, in load order. */
    List<ModelHandle> models();

    /**
     * Closes every session of the model and frees its weights.
     *
     * @return false when no model has this id
     */
    boolean unload(String id);

    /** The device models are placed on, in DJL notation, e.g. {@code cpu()} or {@code gpu(0)}. */
    String device();

    /** When this runtime started (its engine was up and it could load models). */
    Instant startedAt();
}
