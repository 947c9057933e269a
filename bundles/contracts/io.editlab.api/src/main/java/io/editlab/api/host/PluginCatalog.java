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
}
