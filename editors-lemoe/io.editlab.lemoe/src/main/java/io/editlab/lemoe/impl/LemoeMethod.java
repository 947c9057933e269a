package io.editlab.lemoe.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.api.route.Router;
import io.editlab.editkit.OptionsReader;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The LEMoE editing method ({@code editlab.method=lemoe}; Wang and Li, EMNLP 2024): each editor keeps
 * a bypass mixture of experts at one feed-forward sub-layer of its session, inserting one expert
 * with its own anchor key and value projection per edit batch and freezing the earlier ones.
 * Defaults come from the configuration {@code io.editlab.lemoe}; {@link #options}' overrides take
 * precedence for one editor.
 *
 * <p>The router ({@code editlab.router=kv-anchor}) is a dynamic, greedy reference held in a volatile
 * field rather than a constructor argument, so that replacing the router bundle swaps the field in
 * place instead of deactivating this component: open editors read {@link #router()} at every pass
 * and keep their trained experts.
 */
@EditlabMethod(LemoeSettings.METHOD)
@Component(service = EditMethod.class, configurationPid = "io.editlab.lemoe")
@Designate(ocd = LemoeConfig.class)
public final class LemoeMethod implements EditMethod {

    /** The router bound unless the configuration's {@code router.target} names another. */
    static final String ROUTER = "(" + Router.NAME + "=kv-anchor)";

    private final OptionsReader<LemoeOptions, LemoeConfig> reader;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, target = ROUTER)
    private volatile Router router;

    @Activate
    public LemoeMethod(LemoeConfig config) {
        this.reader = new OptionsReader<>(LemoeSettings.METHOD, LemoeOptions.class, LemoeConfig.class, config);
    }

    /** A method outside OSGi, with its router given directly (tests, embedding). */
    LemoeMethod(LemoeConfig config, Router router) {
        this(config);
        this.router = router;
    }

    @Override
    public LemoeOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        LemoeSettings settings = LemoeSettings.resolve(reader.as(options), session.model());
        return new LemoeEditor(session, settings, this::router);
    }

    /** The router bound now. */
    Router router() {
        Router current = router;
        if (current == null) {
            throw new IllegalStateException("no LEMoE router " + ROUTER + " is bound");
        }
        return current;
    }
}
