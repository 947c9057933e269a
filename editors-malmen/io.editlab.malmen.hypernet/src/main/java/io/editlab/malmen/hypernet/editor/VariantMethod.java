package io.editlab.malmen.hypernet.editor;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.OptionsReader;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.EditorConfig;
import java.util.Map;

/**
 * The editing method of one {@link Variant}: its configured defaults, checked when the component
 * activates, overridable per editor. The two method components differ only in variant and PID, as
 * the two trainer components ({@code VariantTrainer}) do.
 */
public abstract class VariantMethod implements EditMethod {

    private final Variant variant;
    private final OptionsReader<HypernetOptions, EditorConfig> reader;

    /** @throws IllegalArgumentException naming the PID and the bad key when the defaults are invalid */
    protected VariantMethod(Variant variant, EditorConfig config) {
        this.variant = variant;
        this.reader = HypernetOptions.reader(variant, config);
    }

    @Override
    public HypernetOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        return HypernetEditor.create(session, variant, reader.as(options));
    }
}
