package io.editlab.api.plan;

import io.editlab.api.model.ModelHandle;
import org.osgi.annotation.versioning.ProviderType;

/** What a planner may use. */
@ProviderType
public interface PlanningContext {

    /** The base model the edits will be applied to (for embeddings). */
    ModelHandle model();

    /** The batch size the planned stream will be cut into. */
    int batchSize();

    /** The seed that makes planning deterministic. */
    long seed();
}
