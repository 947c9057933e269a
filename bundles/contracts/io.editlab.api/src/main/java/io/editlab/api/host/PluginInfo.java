package io.editlab.api.host;

import java.util.Objects;

/**
 * One installed plugin service.
 *
 * @param kind what it is
 * @param name its id, from the kind's name property
 * @param bundle the symbolic name of the bundle that registered it
 * @param version that bundle's version
 * @param bundleId that bundle's id in the framework
 */
public record PluginInfo(PluginKind kind, String name, String bundle, String version, long bundleId) {
    public PluginInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(version, "version");
    }
}
