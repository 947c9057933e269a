package io.editlab.ftl.impl;

import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditlabMethod;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * FT-L, the constrained fine-tuning baseline of the ROME paper, as the editing method {@code ft-l}:
 * each editor fine-tunes one MLP projection's weight of its session on the edit targets, bounding
 * every element of the change made by one apply call. Its defaults come from the configuration
 * {@code io.editlab.ftl}; each editor may override any of them (same keys).
 */
@EditlabMethod(FtlMethod.ID)
@Component(service = EditMethod.class, configurationPid = "io.editlab.ftl")
@Designate(ocd = FtlConfig.class)
public final class FtlMethod extends FineTuningMethod<FtlConfig> {

    /** The method's id, the value of {@link EditMethod#NAME}. */
    static final String ID = "ft-l";

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public FtlMethod(FtlConfig config) {
        super(ID, 0.5, FtlConfig.class, config, "io.editlab.ftl");
    }
}
