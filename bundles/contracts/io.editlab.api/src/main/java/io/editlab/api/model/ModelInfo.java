package io.editlab.api.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a loaded model is.
 *
 * @param id the id it was loaded under
 * @param modelType the checkpoint's {@code model_type} (e.g. {@code gpt2}, {@code llama})
 * @param source the folder it was loaded from
 * @param device where its weights live, in DJL notation
 * @param parameterCount the number of scalar weights
 */
public record ModelInfo(String id, String modelType, Path source, String device, long parameterCount) {
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(device, "device");
    }
}
