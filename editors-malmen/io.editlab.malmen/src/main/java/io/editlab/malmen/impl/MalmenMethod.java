package io.editlab.malmen.impl;

import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.EditorConfig;
import io.editlab.malmen.hypernet.editor.VariantMethod;
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
public final class MalmenMethod extends VariantMethod {

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public MalmenMethod(EditorConfig config) {
        super(Variant.MALMEN, config);
    }
}
