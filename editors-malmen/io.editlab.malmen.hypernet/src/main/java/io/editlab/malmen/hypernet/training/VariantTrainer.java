package io.editlab.malmen.hypernet.training;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.ModelHandle;
import io.editlab.editkit.OptionsReader;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.TrainerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The meta-trainer of one {@link Variant}: its configured defaults, checked when the component
 * activates, overridable per run. The two trainer components differ only in variant and PID.
 */
public abstract class VariantTrainer implements MetaTrainer {

    private final Variant variant;
    private final OptionsReader<TrainerOptions, TrainerConfig> reader;

    /** @throws IllegalArgumentException naming the PID and the bad key when the defaults are invalid */
    protected VariantTrainer(Variant variant, TrainerConfig config) {
        this.variant = variant;
        this.reader = new OptionsReader<>(
                        variant.id() + " meta-trainer", TrainerOptions.class, TrainerConfig.class, config)
                .checkDefaults("io.editlab." + variant.id() + ".hypernet");
    }

    @Override
    public Path train(
            ModelHandle model,
            List<EditRequest> training,
            List<EditRequest> validation,
            Path output,
            ProgressListener progress)
            throws EditException {
        return train(model, training, validation, output, Map.of(), progress);
    }

    @Override
    public Path train(
            ModelHandle model,
            List<EditRequest> training,
            List<EditRequest> validation,
            Path output,
            Map<String, ?> overrides,
            ProgressListener progress)
            throws EditException {
        TrainerSettings settings = TrainerSettings.of(variant, reader.read(overrides));
        return new MetaTraining(model, settings, progress).run(training, validation, output);
    }
}
