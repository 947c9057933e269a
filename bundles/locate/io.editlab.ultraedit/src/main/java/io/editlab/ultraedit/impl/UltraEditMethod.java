package io.editlab.ultraedit.impl;

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
 * The UltraEdit editing method ({@code editlab.method=ultraedit}; Gu et al., "UltraEdit: Training-,
 * Subject-, and Memory-Free Lifelong Editing in Large Language Models", 2025): closed-form lifelong
 * editing of MLP projections with keys and gradients normalised over the whole stream (README).
 * Defaults come from the configuration {@code io.editlab.ultraedit}.
 */
@EditlabMethod(UltraEditSettings.METHOD)
@Component(service = EditMethod.class, configurationPid = "io.editlab.ultraedit")
@Designate(ocd = UltraEditConfig.class)
public final class UltraEditMethod implements EditMethod {

    private final OptionsReader<UltraEditOptions, UltraEditConfig> reader;

    @Activate
    public UltraEditMethod(UltraEditConfig config) {
        this.reader =
                new OptionsReader<>(UltraEditSettings.METHOD, UltraEditOptions.class, UltraEditConfig.class, config);
    }

    @Override
    public UltraEditOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        return new UltraEditor(session, UltraEditSettings.resolve(reader.as(options), session.model()));
    }
}
