package io.editlab.malmen.hypernet.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.ModelHandle;
import io.editlab.malmen.hypernet.Variant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Meta-trains MEND's hyper-network ({@code editlab.method=mend}) the way MALMEN's repository trains
 * its MEND baseline; defaults from the configuration {@code io.editlab.mend.hypernet}, overridable
 * per run.
 */
@Component(service = MetaTrainer.class, property = EditMethod.NAME + "=mend",
        configurationPid = "io.editlab.mend.hypernet")
@Designate(ocd = TrainerConfig.class)
public final class MendTrainer implements MetaTrainer {

    private final TrainerConfig config;

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public MendTrainer(TrainerConfig config) {
        this.config = Trainers.validated(Variant.MEND, config);
    }

    @Override
    public Path train(ModelHandle model, List<EditRequest> training, List<EditRequest> validation, Path output,
            ProgressListener progress) throws EditException {
        return train(model, training, validation, output, Map.of(), progress);
    }

    @Override
    public Path train(ModelHandle model, List<EditRequest> training, List<EditRequest> validation, Path output,
            Map<String, ?> overrides, ProgressListener progress) throws EditException {
        TrainerSettings settings = TrainerSettings.read(Variant.MEND, config, overrides);
        return new MetaTraining(model, settings, progress).run(training, validation, output);
    }
}
