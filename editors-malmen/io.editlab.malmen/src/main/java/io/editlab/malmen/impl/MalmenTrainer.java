package io.editlab.malmen.impl;

import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.TrainerConfig;
import io.editlab.malmen.hypernet.training.VariantTrainer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Meta-trains MALMEN's hyper-network ({@code editlab.method=malmen}); defaults from the
 * configuration {@code io.editlab.malmen.hypernet}, overridable per run.
 */
@EditlabMethod("malmen")
@Component(service = MetaTrainer.class, configurationPid = "io.editlab.malmen.hypernet")
@Designate(ocd = TrainerConfig.class)
public final class MalmenTrainer extends VariantTrainer {

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public MalmenTrainer(TrainerConfig config) {
        super(Variant.MALMEN, config);
    }
}
