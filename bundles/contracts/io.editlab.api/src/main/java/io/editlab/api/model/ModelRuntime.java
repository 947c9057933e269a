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
     * What a model id may be: 1 to 64 letters, digits, dots, underscores or hyphens, starting with a
     * letter or digit (ids become keys, file names and log fields).
     */
    String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    /**
     * Loads a model folder in Hugging Face layout ({@code config.json} plus safetensors weights)
     * under an id. Loading an id that is already loaded, or being loaded, is an error: unload it
     * first. Loading never blocks the other calls of the runtime.
     *
     * @throws ModelException when the id does not match {@link #ID_PATTERN}, or the folder is
     *     missing, malformed, not supported or larger than the runtime's limit; the message names
     *     the file and, where it applies, the field or tensor
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
