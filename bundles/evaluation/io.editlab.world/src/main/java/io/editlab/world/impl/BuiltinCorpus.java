package io.editlab.world.impl;

import io.editlab.api.data.EditlabCorpus;
import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.data.ScalableCorpus;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * EditLab's built-in knowledge corpus, {@code builtin}: a synthetic {@link World} of invented people,
 * for pretraining the built-in model and then editing it. The same configuration gives every
 * framework the same facts, paraphrases and edits. {@link #withSubjects} gives the world of another
 * size with the same seed ({@code builtin:N}).
 */
@EditlabCorpus("builtin")
@Component(service = KnowledgeCorpus.class, configurationPid = "io.editlab.world")
@Designate(ocd = BuiltinCorpus.Config.class)
public final class BuiltinCorpus implements ScalableCorpus {

    @ObjectClassDefinition(
            name = "EditLab built-in world",
            description = "The synthetic world the built-in model is pretrained on. A model pretrained on one"
                    + " configuration does not know another's facts: pretrain again after changing it.")
    @interface Config {
        @AttributeDefinition(name = "Seed", description = "Seeds names, facts, counterfactual targets and edit order.")
        long seed() default 7;

        @AttributeDefinition(
                name = "Subjects",
                description =
                        "Invented people; each has 6 facts (home city,"
                                + " profession, language, instrument, sport, pet), so the world has 6 times as many facts and edits.")
        int subjects() default 200;
    }

    private final long seed;
    private final World world;

    @Activate
    public BuiltinCorpus(Config config) {
        this(config.seed(), World.generate(config.seed(), config.subjects()));
    }

    private BuiltinCorpus(long seed, World world) {
        this.seed = seed;
        this.world = world;
    }

    @Override
    public int maxSubjects() {
        return World.MAX_SUBJECTS;
    }

    @Override
    public KnowledgeCorpus withSubjects(int subjects) {
        return new BuiltinCorpus(seed, World.generate(seed, subjects));
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
