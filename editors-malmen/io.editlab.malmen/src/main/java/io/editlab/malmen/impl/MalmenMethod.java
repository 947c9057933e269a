package io.editlab.malmen.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.OptionsReader;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.EditorConfig;
import io.editlab.malmen.hypernet.editor.HypernetEditor;
import io.editlab.malmen.hypernet.editor.HypernetOptions;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * MALMEN (Tan, Zhang, Fu; ICLR 2024) as the editing method {@code malmen}: each editor applies a
 * hyper-network trained by {@code train-hypernet --method malmen} to its session, aggregating the
 * per-token value differences by least squares. Defaults from the configuration {@code
 * io.editlab.malmen}; each editor may override them (same keys).
 */
@EditlabMethod("malmen")
@Component(service = EditMethod.class, configurationPid = "io.editlab.malmen")
@Designate(ocd = EditorConfig.class)
public final class MalmenMethod implements EditMethod {

    private final OptionsReader<HypernetOptions, EditorConfig> reader;

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public MalmenMethod(EditorConfig config) {
        this.reader = HypernetOptions.reader(Variant.MALMEN, config);
    }

    @Override
    public HypernetOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        return HypernetEditor.create(session, Variant.MALMEN, reader.as(options));
    }
}
