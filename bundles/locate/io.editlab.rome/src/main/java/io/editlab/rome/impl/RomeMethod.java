package io.editlab.rome.impl;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.Options;
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
 * The ROME editing method ({@code editlab.method=rome}; Meng et al., "Locating and Editing Factual
 * Associations in GPT", NeurIPS 2022): each fact, one after another, written as a rank-one update of
 * one block's MLP output projection (README). Defaults come from the configuration {@code
 * io.editlab.rome}.
 */
@EditlabMethod(RomeMethod.ID)
@Component(service = EditMethod.class, configurationPid = "io.editlab.rome")
@Designate(ocd = RomeConfig.class)
public final class RomeMethod implements EditMethod {

    static final String ID = "rome";

    private final OptionsReader<LocateOptions, RomeConfig> reader;
    private final Map<String, KnowledgeCorpus> corpora;

    @Activate
    public RomeMethod(
            RomeConfig config,
            @Reference(
                            name = "corpora",
                            cardinality = ReferenceCardinality.MULTIPLE,
                            policyOption = ReferencePolicyOption.GREEDY)
                    List<Map.Entry<Map<String, Object>, KnowledgeCorpus>> corpora) {
        this.reader = new OptionsReader<>(ID, LocateOptions.class, RomeConfig.class, config);
        this.corpora = Corpora.byName(corpora);
    }

    @Override
    public LocateOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        LocateOptions own = reader.as(options);
        LocateSettings.Resolved resolved = LocateSettings.resolve(ID, own, RomePresets.ALL, session.model());
        if (resolved.settings().layers().size() != 1) {
            throw Options.invalid(ID, "layers", resolved.settings().layers(), "one block: ROME edits one layer");
        }
        return LocateEditor.open(
                session, resolved.settings(), corpora, (moments, manager) -> new RomeRule(moments.get(0), manager));
    }
}
