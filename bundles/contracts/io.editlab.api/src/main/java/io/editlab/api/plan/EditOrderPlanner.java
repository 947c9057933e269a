package io.editlab.api.plan;

import io.editlab.api.edit.EditRequest;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** Reorders an edit stream before it is cut into batches. */
@ConsumerType
public interface EditOrderPlanner {

    /** Service property: the planner's id, e.g. {@code kmeans}. */
    String NAME = "editlab.planner";

    /**
     * Returns the same requests in the order to apply them. Deterministic for a given context seed.
     */
    List<EditRequest> plan(List<EditRequest> edits, PlanningContext context);
}
