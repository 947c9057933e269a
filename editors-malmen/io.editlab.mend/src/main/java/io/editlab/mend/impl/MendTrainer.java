package io.editlab.mend.impl;

import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.TrainerConfig;
import io.editlab.malmen.hypernet.training.VariantTrainer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Meta-trains MEND's hyper-network ({@code editlab.method=mend}) the way MALMEN's repository trains
 * its MEND baseline; defaults from the configuration {@code io.editlab.mend.hypernet}, overridable
 * per run.
 */
@EditlabMethod("mend")
@Component(service = MetaTrainer.class, configurationPid = "io.editlab.mend.hypernet")
@Designate(ocd = TrainerConfig.class)
public final class MendTrainer extends VariantTrainer {

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public MendTrainer(TrainerConfig config) {
        super(Variant.MEND, config);
    }
}
