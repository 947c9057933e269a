package io.editlab.elder.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.EditlabMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.loss.Loss;
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
 * The ELDER editing method ({@code editlab.method=elder}; Li et al., AAAI 2025): each editor keeps a
 * mixture of LoRAs behind per-layer routers at L feed-forward modules of its session, trained with
 * a guided loss, and defers inputs whose allocation code is far from every edit's. Defaults come
 * from the configuration {@code io.editlab.elder}; {@link #options}' overrides take precedence for
 * one editor.
 *
 * <p>The router ({@code editlab.router=elder-topk}) and the guided loss ({@code
 * editlab.loss=elder-guided}) are dynamic, greedy references held in volatile fields rather than
 * constructor arguments: constructor injection would tie them to the component's lifetime, so
 * replacing the router or loss bundle would deactivate this component and every open editor would
 * lose its method. With field injection Declarative Services swaps the field in place, and editors,
 * which read {@link #router()} and {@link #loss()} at every forward pass and step, use the new
 * service at once while keeping their trained weights.
 */
@EditlabMethod(ElderSettings.METHOD)
@Component(service = EditMethod.class, configurationPid = "io.editlab.elder")
@Designate(ocd = ElderConfig.class)
public final class ElderMethod implements EditMethod {

    /** The router bound unless the configuration's {@code router.target} names another. */
    static final String ROUTER = "(" + Router.NAME + "=elder-topk)";
    /** The guided loss bound unless the configuration's {@code loss.target} names another. */
    static final String LOSS = "(" + Loss.NAME + "=elder-guided)";

    private final OptionsReader<ElderOptions, ElderConfig> reader;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, target = ROUTER)
    private volatile Router router;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, target = LOSS)
    private volatile Loss loss;

    @Activate
    public ElderMethod(ElderConfig config) {
        this.reader = new OptionsReader<>(ElderSettings.METHOD, ElderOptions.class, ElderConfig.class, config);
    }

    /** A method outside OSGi, with its services given directly (tests, embedding). */
    ElderMethod(ElderConfig config, Router router, Loss loss) {
        this(config);
        this.router = router;
        this.loss = loss;
    }

    @Override
    public ElderOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        ElderSettings settings = ElderSettings.resolve(reader.as(options), session.model());
        return new ElderEditor(session, settings, this::router, this::loss);
    }

    /** The router bound now. */
    Router router() {
        Router current = router;
        if (current == null) {
            throw new IllegalStateException("no ELDER router " + ROUTER + " is bound");
        }
        return current;
    }

    /** The guided loss bound now. */
    Loss loss() {
        Loss current = loss;
        if (current == null) {
            throw new IllegalStateException("no ELDER guided loss " + LOSS + " is bound");
        }
        return current;
    }
}
