package io.editlab.host.impl;

import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code editlab:*} commands of the Gogo shell. */
@Component(
        service = Commands.class,
        property = {
            "osgi.command.scope=editlab",
            "osgi.command.function=runtime",
            "osgi.command.function=plugins",
            "osgi.command.function=methods",
            "osgi.command.function=models",
            "osgi.command.function=load",
            "osgi.command.function=unload",
            "osgi.command.function=sessions"
        })
public final class Commands {

    private final PluginCatalog catalog;
    private final ModelRuntime runtime;

    @Activate
    public Commands(@Reference PluginCatalog catalog, @Reference ModelRuntime runtime) {
        this.catalog = catalog;
        this.runtime = runtime;
    }

    /** The model runtime: device, start time and the bundle that provides it. */
    public String runtime() {
        Bundle bundle = FrameworkUtil.getBundle(runtime.getClass());
        return "device " + runtime.device() + ", started " + runtime.startedAt() + ", bundle "
                + bundle.getSymbolicName() + " " + bundle.getVersion() + " (id " + bundle.getBundleId() + ")";
    }

    /** Every installed plugin, with the bundle and version that provides it. */
    public String plugins() {
        return pluginTable(catalog.plugins());
    }

    /** The installed editing methods, with the bundle and version that provides each. */
    public String methods() {
        return pluginTable(catalog.plugins(PluginKind.METHOD));
    }

    /** The loaded models. */
    public String models() {
        List<String[]> rows = new ArrayList<>();
        for (ModelHandle model : runtime.models()) {
            rows.add(new String[] {
                model.info().id(),
                model.info().modelType(),
                String.format(Locale.ROOT, "%,d", model.info().parameterCount()),
                model.info().device(),
                Integer.toString(model.sessions().size()),
                model.info().source().toString()
            });
        }
        return Tables.format(
                new String[] {"ID", "TYPE", "PARAMETERS", "DEVICE", "SESSIONS", "SOURCE"},
                rows,
                "no model loaded (editlab:load ID FOLDER)");
    }

    /** Loads a model folder in Hugging Face layout under an id. */
    public String load(String id, String folder) throws ModelException {
        ModelHandle model = runtime.load(id, Path.of(folder));
        return String.format(
                Locale.ROOT,
                "loaded %s: %s, %,d parameters on %s",
                id,
                model.info().modelType(),
                model.info().parameterCount(),
                model.info().device());
    }

    /** Unloads a model and closes its sessions. */
    public String unload(String id) {
        return runtime.unload(id) ? "unloaded " + id : "no model '" + id + "'";
    }

    /** The open edit sessions of every model. */
    public String sessions() {
        List<String[]> rows = new ArrayList<>();
        for (ModelHandle model : runtime.models()) {
            for (EditSession session : model.sessions()) {
                rows.add(new String[] {
                    session.id(),
                    session.name(),
                    model.info().id(),
                    Integer.toString(session.deltas().size()),
                    Integer.toString(session.adapters().size())
                });
            }
        }
        return Tables.format(new String[] {"ID", "NAME", "MODEL", "DELTAS", "ADAPTERS"}, rows, "no open session");
    }

    private static String pluginTable(List<PluginInfo> plugins) {
        List<String[]> rows = plugins.stream()
                .map(p -> new String[] {
                    p.kind().name().toLowerCase(Locale.ROOT),
                    p.name(),
                    p.bundle(),
                    p.version(),
                    Long.toString(p.bundleId())
                })
                .toList();
        return Tables.format(
                new String[] {"KIND", "NAME", "BUNDLE", "VERSION", "BUNDLE ID"},
                rows,
                "none installed (drop bundles into deploy/)");
    }
}
