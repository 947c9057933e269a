package io.editlab.world.impl;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * EditLab's built-in knowledge corpus, {@code builtin}: the synthetic {@link World} of {@value #SUBJECTS}
 * invented people generated with seed {@value #SEED}, for pretraining the built-in model and then editing it.
 * Every framework gets the same facts, paraphrases and edits.
 */
@Component(service = KnowledgeCorpus.class, property = KnowledgeCorpus.NAME + "=builtin")
public final class BuiltinCorpus implements KnowledgeCorpus {

    static final long SEED = 7;
    static final int SUBJECTS = 400;

    private final World world;

    @Activate
    public BuiltinCorpus() {
        this.world = World.generate(SEED, SUBJECTS);
    }

    @Override
    public List<Completion> facts() {
        return world.facts();
    }

    @Override
    public List<Completion> paraphrases() {
        return world.paraphrases();
    }

    @Override
    public List<EditRequest> edits() {
        return world.edits();
    }
}
