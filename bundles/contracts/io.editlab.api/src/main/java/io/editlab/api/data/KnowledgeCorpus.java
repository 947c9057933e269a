package io.editlab.api.data;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A body of knowledge to pretrain a model on and then edit, such as EditLab's built-in synthetic
 * world. Registered as a service with {@link #NAME} set to its id.
 */
@ConsumerType
public interface KnowledgeCorpus {

    /** Service property: the corpus id, e.g. {@code builtin}. */
    String NAME = "editlab.corpus";

    /** True facts as the model should learn them: every fact in each of its training phrasings. */
    List<Completion> facts();

    /** The same facts in phrasings never trained on: what a model must generalise to. */
    List<Completion> paraphrases();

    /**
     * Counterfactual edits of the facts, in a fixed order: each with its edit prompt, new target,
     * true answer, rephrasings (including the held-out phrasing) and unrelated locality probes.
     */
    List<EditRequest> edits();
}
