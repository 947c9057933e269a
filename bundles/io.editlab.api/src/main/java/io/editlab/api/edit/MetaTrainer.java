package io.editlab.api.edit;

import io.editlab.api.model.ModelHandle;
import java.nio.file.Path;
import java.util.List;
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
    Path train(ModelHandle model, List<EditRequest> training, List<EditRequest> validation, Path output,
            ProgressListener progress) throws EditException;
}
