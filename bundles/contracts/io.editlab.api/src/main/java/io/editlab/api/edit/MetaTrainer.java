package io.editlab.api.edit;

import io.editlab.api.model.ModelHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A one-off preparation that a method needs before it can edit a model, such as MALMEN's
 * meta-trained hyper-network. Registered as a service with {@link EditMethod#NAME} set to the id of
 * the method it prepares; the artifact it writes is handed to that method through its
 * configuration.
 */
@ConsumerType
public interface MetaTrainer {

    /**
     * Trains on {@code training}, validates on {@code validation}, writes the artifact into
     * {@code output} and returns its path. Never changes the base model.
     */
    Path train(
            ModelHandle model,
            List<EditRequest> training,
            List<EditRequest> validation,
            Path output,
            ProgressListener progress)
            throws EditException;

    /**
     * Like {@link #train(ModelHandle, List, List, Path, ProgressListener)}, with configuration
     * values that take precedence over the trainer's configured defaults for this run only (as
     * {@link EditMethod#options}' overrides do for an editor); unknown keys are an error. Trainers
     * that take overrides implement this method; the default accepts none.
     *
     * @throws EditException when {@code overrides} is not empty and this trainer takes none, or a
     *     key or value is invalid; the message names the key
     * @since 1.2
     */
    default Path train(
            ModelHandle model,
            List<EditRequest> training,
            List<EditRequest> validation,
            Path output,
            Map<String, ?> overrides,
            ProgressListener progress)
            throws EditException {
        if (!overrides.isEmpty()) {
            throw new EditException(
                    "this meta-trainer takes no configuration overrides, got " + new TreeSet<>(overrides.keySet()));
        }
        return train(model, training, validation, output, progress);
    }
}
