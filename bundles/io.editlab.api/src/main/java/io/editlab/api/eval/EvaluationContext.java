package io.editlab.api.eval;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** What a metric may look at: the edited session, its unedited base, and the edit history. */
@ProviderType
public interface EvaluationContext {

    /** The unedited model. */
    ModelHandle base();

    /** The session after the edits. */
    EditSession edited();

    /** Every request applied so far, in order. */
    List<EditRequest> edits();

    /** The result of every {@code apply} call so far, in order. */
    List<EditResult> results();
}
