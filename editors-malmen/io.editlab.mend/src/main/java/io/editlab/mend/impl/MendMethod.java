package io.editlab.mend.impl;

import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.EditorConfig;
import io.editlab.malmen.hypernet.editor.VariantMethod;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * MEND (Mitchell et al., ICLR 2022), built from MALMEN's parts as MALMEN's repository does, as the
 * editing method {@code mend}: each editor applies a hyper-network trained by {@code train-hypernet
 * --method mend}, summing the per-token rank-1 shifts. Defaults from the configuration {@code
 * io.editlab.mend}; each editor may override them (same keys).
 */
@EditlabMethod("mend")
@Component(service = EditMethod.class, configurationPid = "io.editlab.mend")
@Designate(ocd = EditorConfig.class)
public final class MendMethod extends VariantMethod {

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    @Activate
    public MendMethod(EditorConfig config) {
        super(Variant.MEND, config);
    }
}
