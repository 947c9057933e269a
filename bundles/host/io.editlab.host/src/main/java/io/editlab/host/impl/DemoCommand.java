package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.harness.Harness;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./editlab demo}: {@code bench} on the built-in model and world with every installed editor
 * (those that need meta-training only when given settings), 100 sequential edits, final-state evaluation, checkpoints every 10 edits, and the editor settings
 * for the built-in model in {@code demo.properties}.
 */
@EditlabCommand("demo")
@Component(service = Command.class)
public final class DemoCommand implements Command {

    private final BenchCommand bench;
    private final PluginCatalog catalog;

    @Activate
    public DemoCommand(
            @Reference Harness harness,
            @Reference ModelRuntime runtime,
            @Reference Pretrainer pretrainer,
            @Reference PluginCatalog catalog) {
        this.bench = new BenchCommand(harness, runtime, pretrainer, catalog);
        this.catalog = catalog;
    }

    /**
     * The installed methods the demo runs: all but those that need a meta-trained artifact first (a
     * {@code MetaTrainer} is registered for them) and are given no settings by the profile or {@code
     * --config}.
     */
    private List<String> editors(List<String> configs, PrintStream err) {
        Set<String> configured = configs.stream()
                .map(c -> c.substring(0, Math.max(0, c.indexOf('.'))))
                .collect(java.util.stream.Collectors.toSet());
        Set<String> prepared = catalog.plugins(PluginKind.META_TRAINER).stream()
                .map(PluginInfo::name)
                .filter(name -> !configured.contains(name))
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        if (!prepared.isEmpty()) {
            err.println("editlab demo: skipping " + String.join(", ", prepared) + ": meta-training comes first"
                    + " (./editlab train-hypernet --method NAME --model builtin --data builtin --out DIR, then"
                    + " ./editlab demo --config NAME.hypernet=DIR)");
        }
        return bench.installedMethods().stream()
                .filter(name -> !prepared.contains(name))
                .toList();
    }

    /** The demo's editor settings for the built-in model, for the editors installed now. */
    private List<String> profile() throws java.io.IOException {
        java.util.Properties profile = new java.util.Properties();
        try (java.io.InputStream in = DemoCommand.class.getResourceAsStream("demo.properties")) {
            profile.load(in);
        }
        java.util.Set<String> installed = new java.util.HashSet<>(bench.installedMethods());
        return profile.stringPropertyNames().stream()
                .sorted()
                .filter(key -> installed.contains(key.substring(0, Math.max(0, key.indexOf('.')))))
                .map(key -> key + "=" + profile.getProperty(key))
                .toList();
    }

    @Override
    public String usage() {
        return "[--out DIR (default results/demo)] [--config EDITOR.KEY=VALUE ...]";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args given = Args.parse(arguments, Set.of("out"), Set.of("config"));
        List<String> demo = new java.util.ArrayList<>(List.of(
                "--model",
                "builtin",
                "--data",
                "builtin",
                "--edits",
                "100",
                "--batch",
                "1",
                "--eval",
                "final",
                "--checkpoint",
                "10"));
        List<String> configs = new java.util.ArrayList<>(profile());
        configs.addAll(given.all("config"));
        configs.forEach(c -> demo.addAll(List.of("--config", c)));
        demo.addAll(List.of("--editors", String.join(",", editors(configs, err))));
        Args args = Args.parse(demo, BenchCommand.KEYS, Set.of("config"));
        return bench.bench(args, Path.of(given.get("out", "results/demo")), out, err);
    }
}
