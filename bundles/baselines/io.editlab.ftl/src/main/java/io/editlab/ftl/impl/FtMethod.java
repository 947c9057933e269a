package io.editlab.ftl.impl;

import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditlabMethod;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Fine-tuning done as LocFT-BF (Yang et al., "Fine-tuning Done Right in Model Editing", 2025)
 * recommends, as the editing method {@code ft}: the same editor as FT-L with LocFT-BF's defaults,
 * each apply call a breadth-first run of shuffled mini-batch passes over every edit so far, on the
 * MLP down projection of a later block, each target followed by the end-of-text token, no norm
 * constraint, early stopping. Defaults from the configuration {@code io.editlab.ft}; every key may
 * be overridden per editor.
 */
@EditlabMethod(FtMethod.ID)
@Component(service = EditMethod.class, configurationPid = "io.editlab.ft")
@Designate(ocd = FtConfig.class)
public final class FtMethod extends FineTuningMethod<FtConfig> {

    /** The method's id, the value of {@link EditMethod#NAME}. */
    static final String ID = "ft";

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public FtMethod(FtConfig config) {
        super(ID, 0.7, FtConfig.class, config, "io.editlab.ft");
    }
}
