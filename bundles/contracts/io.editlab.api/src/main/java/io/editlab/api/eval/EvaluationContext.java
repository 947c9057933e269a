package io.editlab.api.eval;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.model.Completion;
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

    /**
     * Every fact edited so far, in the order of its latest edit: a fact edited again (same request id)
     * counts once, with its latest target.
     */
    List<EditRequest> edits();

    /** The result of every {@code apply} call so far, in order. */
    List<EditResult> results();

    /**
     * The locality probes of {@link #edits()} that are really unrelated to the edits: probes whose
     * prompt is the prompt or a rephrasing of any request applied so far are left out, also when
     * {@link #edits()} holds only some of them (one batch, a curve's sample): in a long stream, an
     * earlier edit's probe can be a later edit's fact, and its answer then changes as it should.
     */
    List<Completion> unrelatedProbes();

    /** Whether the protocol also scores by free greedy generation (slower); see {@link ItemScore#generation()}. */
    boolean scoresGeneration();

    /** Scores of the edited session, batched; repeated items are scored once per evaluation. */
    List<ItemScore> score(List<Completion> items);

    /** Scores of the unedited base model, batched and cached for the whole run. */
    List<ItemScore> scoreBase(List<Completion> items);

    /** The largest memory the session's process used so far, in bytes, or -1 when unknown. */
    long peakMemoryBytes();
}
