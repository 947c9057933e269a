package io.editlab.grace.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.OptionsReader;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The GRACE editing method ({@code editlab.method=grace}; Hartvigsen et al., "Aging with GRACE",
 * NeurIPS 2023): each editor keeps a codebook of keys, deferral radii and trained values at one
 * linear module of its session. Defaults come from the configuration {@code io.editlab.grace};
 * {@link #options}' overrides take precedence for one editor.
 */
@EditlabMethod(GraceSettings.METHOD)
@Component(service = EditMethod.class, configurationPid = "io.editlab.grace")
@Designate(ocd = GraceConfig.class)
public final class GraceMethod implements EditMethod {

    private final OptionsReader<GraceOptions, GraceConfig> reader;

    @Activate
    public GraceMethod(GraceConfig config) {
        this.reader = new OptionsReader<>(GraceSettings.METHOD, GraceOptions.class, GraceConfig.class, config);
    }

    @Override
    public GraceOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        return new GraceEditor(session, GraceSettings.resolve(reader.as(options), session.model()));
    }
}
