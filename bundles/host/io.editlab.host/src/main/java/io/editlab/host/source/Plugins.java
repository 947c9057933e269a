package io.editlab.host.source;

import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginKind;
import java.util.Optional;
import java.util.function.LongSupplier;

/** Lookups that tolerate plugins still starting up: they wait on the catalog's changes, not a timer. */
public final class Plugins {

    /** How long to wait for a change before asking {@code patience} again. */
    static final long RECHECK_MILLIS = 100;

    private Plugins() {}

    /** The named plugin, waiting up to {@code millis} for it to be registered. */
    public static <S> Optional<S> await(
            PluginCatalog catalog, PluginKind kind, Class<S> type, String name, long millis) {
        return await(catalog, kind, type, name, millis, () -> millis);
    }

    /**
     * The named plugin, waiting up to {@code millis} for it, or less once {@code patience} falls to
     * zero (asked whenever the catalog changes, and at least every {@value #RECHECK_MILLIS} ms).
     */
    public static <S> Optional<S> await(
            PluginCatalog catalog, PluginKind kind, Class<S> type, String name, long millis, LongSupplier patience) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            Optional<S> found = catalog.find(kind, type, name);
            if (found.isPresent() || System.nanoTime() > deadline || patience.getAsLong() <= 0) {
                return found;
            }
            try {
                catalog.awaitChange(Math.min(RECHECK_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** The named plugin, or a clear error when it is not installed. */
    public static <S> S require(PluginCatalog catalog, PluginKind kind, Class<S> type, String name) {
        return await(catalog, kind, type, name, 10_000)
                .orElseThrow(() -> new IllegalStateException(
                        "no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + name + "' is installed"));
    }
}
