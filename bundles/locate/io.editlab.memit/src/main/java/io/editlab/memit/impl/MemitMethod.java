package io.editlab.memit.impl;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.OptionsReader;
import io.editlab.locate.Corpora;
import io.editlab.locate.LocateEditor;
import io.editlab.locate.LocateOptions;
import io.editlab.locate.LocateSettings;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The MEMIT editing method ({@code editlab.method=memit}; Meng et al., "Mass-Editing Memory in a
 * Transformer", ICLR 2023): batches of facts written in closed form into the MLP output projections of
 * a range of layers (README). Defaults come from the configuration {@code io.editlab.memit}; {@link
 * #options}' overrides take precedence for one editor.
 */
@EditlabMethod(MemitMethod.ID)
@Component(service = EditMethod.class, configurationPid = "io.editlab.memit")
@Designate(ocd = MemitConfig.class)
public final class MemitMethod implements EditMethod {

    static final String ID = "memit";

    private final OptionsReader<MemitOptions, MemitConfig> reader;
    private final Map<String, KnowledgeCorpus> corpora;

    @Activate
    public MemitMethod(
            MemitConfig config,
            @Reference(
                            name = "corpora",
                            cardinality = ReferenceCardinality.MULTIPLE,
                            policyOption = ReferencePolicyOption.GREEDY)
                    List<Map.Entry<Map<String, Object>, KnowledgeCorpus>> corpora) {
        this.reader = new OptionsReader<>(ID, MemitOptions.class, MemitConfig.class, config);
        this.corpora = Corpora.byName(corpora);
    }

    @Override
    public MemitOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        MemitOptions own = reader.as(options);
        LocateSettings.Resolved resolved = LocateSettings.resolve(ID, own.shared(), MemitPresets.ALL, session.model());
        double lambda = LocateOptions.orPreset(
                own.covarianceWeight(),
                MemitPresets.COVARIANCE_WEIGHT.get(resolved.preset().id()));
        return LocateEditor.open(
                session, resolved.settings(), corpora, (moments, manager) -> new MemitRule(moments, lambda, manager));
    }
}
