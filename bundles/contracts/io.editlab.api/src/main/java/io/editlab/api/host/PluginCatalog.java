package io.editlab.api.host;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The plugins installed right now. */
@ProviderType
public interface PluginCatalog {

    /** Every plugin, ordered by kind and name. */
    List<PluginInfo> plugins();

    /** The plugins of one kind, ordered by name. */
    List<PluginInfo> plugins(PluginKind kind);

    /**
     * The service of the named plugin. When several bundles register the same name, the one with the
     * highest service ranking (then the oldest) wins.
     *
     * @return empty when no such plugin is installed now
     */
    <S> Optional<S> find(PluginKind kind, Class<S> type, String name);

    /**
     * Waits until a plugin is added, changed or removed, or {@code millis} have passed, whichever
     * comes first: for callers that wait for a plugin still starting up, instead of polling.
     *
     * @return true when the catalog changed
     * @throws InterruptedException when the waiting thread is interrupted
     * @since 2.1
     */
    default boolean awaitChange(long millis) throws InterruptedException {
        Thread.sleep(Math.max(0, Math.min(millis, 20)));
        return false;
    }
}
