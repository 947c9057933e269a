package io.editlab.host.impl;

import io.editlab.api.data.DatasetReader;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.api.eval.Metric;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.loss.Loss;
import io.editlab.api.plan.EditOrderPlanner;
import io.editlab.api.route.Router;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Follows every plugin service as bundles come and go. Each service is tracked with its reference,
 * so listings show the registering bundle and version of the moment.
 */
@Component(service = PluginCatalog.class)
public final class Catalog implements PluginCatalog {

    private record Entry(PluginInfo info, ServiceReference<?> reference, Object service) {
    }

    private static final Comparator<ServiceReference<?>> PREFERRED = Comparator.<ServiceReference<?>>naturalOrder()
            .reversed(); // ServiceReference order: higher ranking, then lower id, sorts last

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public List<PluginInfo> plugins() {
        return entries.stream().map(Entry::info)
                .sorted(Comparator.comparing(PluginInfo::kind).thenComparing(PluginInfo::name)).toList();
    }

    @Override
    public List<PluginInfo> plugins(PluginKind kind) {
        return plugins().stream().filter(p -> p.kind() == kind).toList();
    }

    @Override
    public <S> Optional<S> find(PluginKind kind, Class<S> type, String name) {
        return entries.stream().filter(e -> e.info().kind() == kind && e.info().name().equals(name))
                .sorted(Comparator.comparing(Entry::reference, PREFERRED)).map(e -> type.cast(e.service())).findFirst();
    }

    void add(PluginKind kind, Object service, ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        if (bundle == null) {
            return; // unregistered while being bound
        }
        entries.add(new Entry(new PluginInfo(kind, name(kind, reference), bundle.getSymbolicName(),
                bundle.getVersion().toString(), bundle.getBundleId()), reference, service));
    }

    void remove(ServiceReference<?> reference) {
        entries.removeIf(e -> e.reference().equals(reference));
    }

    static String name(PluginKind kind, ServiceReference<?> reference) {
        Object name = reference.getProperty(kind.nameProperty());
        if (name instanceof String text && !text.isBlank()) {
            return text;
        }
        return "service." + reference.getProperty(Constants.SERVICE_ID) + " (no " + kind.nameProperty() + ")";
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addMethod(EditMethod service, ServiceReference<EditMethod> reference) {
        add(PluginKind.METHOD, service, reference);
    }

    void removeMethod(ServiceReference<EditMethod> reference) {
        remove(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addMetaTrainer(MetaTrainer service, ServiceReference<MetaTrainer> reference) {
        add(PluginKind.META_TRAINER, service, reference);
    }

    void removeMetaTrainer(ServiceReference<MetaTrainer> reference) {
        remove(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addRouter(Router service, ServiceReference<Router> reference) {
        add(PluginKind.ROUTER, service, reference);
    }

    void removeRouter(ServiceReference<Router> reference) {
        remove(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addLoss(Loss service, ServiceReference<Loss> reference) {
        add(PluginKind.LOSS, service, reference);
    }

    void removeLoss(ServiceReference<Loss> reference) {
        remove(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addMetric(Metric service, ServiceReference<Metric> reference) {
        add(PluginKind.METRIC, service, reference);
    }

    void removeMetric(ServiceReference<Metric> reference) {
        remove(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addDataset(DatasetReader service, ServiceReference<DatasetReader> reference) {
        add(PluginKind.DATASET, service, reference);
    }

    void removeDataset(ServiceReference<DatasetReader> reference) {
        remove(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPlanner(EditOrderPlanner service, ServiceReference<EditOrderPlanner> reference) {
        add(PluginKind.PLANNER, service, reference);
    }

    void removePlanner(ServiceReference<EditOrderPlanner> reference) {
        remove(reference);
    }
}
