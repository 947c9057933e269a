package io.editlab.alphaedit.impl;

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
 * The AlphaEdit editing method ({@code editlab.method=alphaedit}; Fang et al., "AlphaEdit: Null-Space
 * Constrained Knowledge Editing for Language Models", ICLR 2025): MEMIT's procedure, with each update
 * projected onto the null space of the preserved keys and the keys of earlier edits kept in its
 * objective (README). Defaults come from the configuration {@code io.editlab.alphaedit}.
 */
@EditlabMethod(AlphaEditMethod.ID)
@Component(service = EditMethod.class, configurationPid = "io.editlab.alphaedit")
@Designate(ocd = AlphaEditConfig.class)
public final class AlphaEditMethod implements EditMethod {

    static final String ID = "alphaedit";

    private final OptionsReader<AlphaEditOptions, AlphaEditConfig> reader;
    private final Map<String, KnowledgeCorpus> corpora;

    @Activate
    public AlphaEditMethod(
            AlphaEditConfig config,
            @Reference(
                            name = "corpora",
                            cardinality = ReferenceCardinality.MULTIPLE,
                            policyOption = ReferencePolicyOption.GREEDY)
                    List<Map.Entry<Map<String, Object>, KnowledgeCorpus>> corpora) {
        this.reader = new OptionsReader<>(ID, AlphaEditOptions.class, AlphaEditConfig.class, config);
        this.corpora = Corpora.byName(corpora);
    }

    @Override
    public AlphaEditOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        AlphaEditOptions own = reader.as(options);
        LocateSettings.Resolved resolved =
                LocateSettings.resolve(ID, own.shared(), AlphaEditPresets.ALL, session.model());
        String preset = resolved.preset().id();
        double threshold = LocateOptions.orPreset(own.nullSpaceThreshold(), AlphaEditPresets.THRESHOLD.get(preset));
        double l2 = LocateOptions.orPreset(own.l2(), AlphaEditPresets.L2.get(preset));
        return LocateEditor.open(
                session,
                resolved.settings(),
                corpora,
                (moments, manager) -> new AlphaEditRule(moments, threshold, l2, manager));
    }
}
