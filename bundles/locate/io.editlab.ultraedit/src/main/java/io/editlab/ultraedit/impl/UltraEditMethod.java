package io.editlab.ultraedit.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
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

    private final UltraEditConfig config;

    @Activate
    public UltraEditMethod(UltraEditConfig config) {
        this.config = config;
    }

    @Override
    public Editor create(EditSession session, Map<String, ?> overrides) throws EditException {
        return new UltraEditor(session, UltraEditSettings.resolve(config, overrides, session.model()));
    }
}
