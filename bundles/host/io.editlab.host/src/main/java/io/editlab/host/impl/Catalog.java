package io.editlab.host.impl;

import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Follows the services of every {@link PluginKind} as bundles come and go, one tracker per kind,
 * so listings show the registering bundle and version of the moment.
 */
@Component(service = PluginCatalog.class)
public final class Catalog implements PluginCatalog {

    private record Entry(PluginInfo info, ServiceReference<?> reference, Object service) {}

    /** Preferred first: higher service ranking, then lower service id (the reverse of the natural order). */
    private static final Comparator<ServiceReference<?>> PREFERRED =
            Comparator.<ServiceReference<?>>naturalOrder().reversed();

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();
    /** Counts changes; waiters in {@link #awaitChange} are woken on it. */
    private final Object changes = new Object();

    private long version;

    @Activate
    public Catalog(BundleContext context) {
        for (PluginKind kind : PluginKind.values()) {
            ServiceTracker<Object, Object> tracker =
                    new ServiceTracker<>(context, kind.service().getName(), new Follower(context, kind));
            trackers.add(tracker);
            tracker.open(true);
        }
    }

    @Deactivate
    void close() {
        trackers.forEach(ServiceTracker::close);
        entries.clear();
    }

    @Override
    public List<PluginInfo> plugins() {
        return entries.stream()
                .map(Entry::info)
                .sorted(Comparator.comparing(PluginInfo::kind).thenComparing(PluginInfo::name))
                .toList();
    }

    @Override
    public List<PluginInfo> plugins(PluginKind kind) {
        return plugins().stream().filter(p -> p.kind() == kind).toList();
    }

    @Override
    public <S> Optional<S> find(PluginKind kind, Class<S> type, String name) {
        return entries.stream()
                .filter(e -> e.info().kind() == kind && e.info().name().equals(name))
                .sorted(Comparator.comparing(Entry::reference, PREFERRED))
                .map(e -> type.cast(e.service()))
                .findFirst();
    }

    @Override
    public boolean awaitChange(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, millis) * 1_000_000L;
        synchronized (changes) {
            long seen = version;
            long left;
            while (version == seen && (left = deadline - System.nanoTime()) > 0) {
                changes.wait(Math.max(1, left / 1_000_000L));
            }
            return version != seen;
        }
    }

    private void changed() {
        synchronized (changes) {
            version++;
            changes.notifyAll();
        }
    }

    static String name(PluginKind kind, ServiceReference<?> reference) {
        Object name = reference.getProperty(kind.nameProperty());
        if (name instanceof String text && !text.isBlank()) {
            return text;
        }
        return "service." + reference.getProperty(Constants.SERVICE_ID) + " (no " + kind.nameProperty() + ")";
    }

    /** Adds and removes the entries of one kind. */
    private final class Follower implements ServiceTrackerCustomizer<Object, Object> {
        private final BundleContext context;
        private final PluginKind kind;

        Follower(BundleContext context, PluginKind kind) {
            this.context = context;
            this.kind = kind;
        }

        @Override
        public Object addingService(ServiceReference<Object> reference) {
            Bundle bundle = reference.getBundle();
            Object service = bundle == null ? null : context.getService(reference);
            if (service == null) {
                return null; // unregistered meanwhile
            }
            entries.add(new Entry(
                    new PluginInfo(
                            kind,
                            name(kind, reference),
                            bundle.getSymbolicName(),
                            bundle.getVersion().toString(),
                            bundle.getBundleId()),
                    reference,
                    service));
            changed();
            return service;
        }

        @Override
        public void modifiedService(ServiceReference<Object> reference, Object service) {
            removedService(reference, service);
            addingService(reference);
        }

        @Override
        public void removedService(ServiceReference<Object> reference, Object service) {
            entries.removeIf(e -> e.reference().equals(reference) && e.info().kind() == kind);
            context.ungetService(reference);
            changed();
        }
    }
}
