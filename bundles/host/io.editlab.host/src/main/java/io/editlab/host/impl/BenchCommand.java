package io.editlab.host.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.harness.DatasetInfo;
import io.editlab.harness.EditorSpec;
import io.editlab.harness.Harness;
import io.editlab.harness.HtmlReport;
import io.editlab.harness.Protocol;
import io.editlab.harness.Reports;
import io.editlab.harness.RunReport;
import io.editlab.harness.RunRequest;
import io.editlab.harness.Streams;
import io.editlab.host.source.Worlds;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./editlab bench}: editors side by side on one model under a lifelong-editing protocol. */
@EditlabCommand("bench")
@Component(service = Command.class)
public final class BenchCommand implements Command {

    static final Set<String> KEYS = Set.of(
            "model",
            "data",
            "format",
            "editors",
            "edits",
            "batch",
            "eval",
            "order",
            "seed",
            "checkpoint",
            "generation",
            "rephrasings",
            "stream",
            "curve-sample",
            "collapse-floor",
            "metrics",
            "out");

    private final Harness harness;
    private final ModelRuntime runtime;
    private final Pretrainer pretrainer;
    private final PluginCatalog catalog;

    @Activate
    public BenchCommand(
            @Reference Harness harness,
            @Reference ModelRuntime runtime,
            @Reference Pretrainer pretrainer,
            @Reference PluginCatalog catalog) {
        this.harness = harness;
        this.runtime = runtime;
        this.pretrainer = pretrainer;
        this.catalog = catalog;
    }

    @Override
    public String usage() {
        return "--model builtin[:N]|DIR --data builtin[:N]|FILE[,FILE...] [--format zsre|counterfact] [--stream reedit:K[:F]]"
                + " [--editors a,b,...] [--edits N]"
                + " [--batch b] [--eval final|each] [--order file|shuffle|plan:PLANNER] [--seed s] [--checkpoint k]"
                + " [--generation true|false] [--rephrasings held-out|stream-half] [--curve-sample N] [--collapse-floor X]"
                + " [--metrics a,b] [--config EDITOR.KEY=VALUE ...] --out DIR";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, KEYS, Set.of("config"));
        return bench(args, Path.of(args.require("out")), out, err);
    }

    /** Runs a comparison described by {@code args} and writes it into {@code folder}. */
    int bench(Args args, Path folder, PrintStream out, PrintStream err) throws Exception {
        ModelHandle model = Models.resolve(args.get("model", Worlds.BUILTIN), runtime, pretrainer, catalog, err);
        DataSets.Loaded loaded = DataSets.load(args.get("data", Worlds.BUILTIN), args.get("format", null), catalog);
        List<EditRequest> requests = loaded.requests();
        DatasetInfo dataset = loaded.info();
        if (args.has("stream")) {
            String stream = args.require("stream");
            try {
                requests = Streams.of(stream, requests, args.integer("seed", 7));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--stream: " + e.getMessage());
            }
            dataset = new DatasetInfo(dataset.path() + " (" + stream + ")", dataset.format(), requests.size());
        }
        Protocol protocol = protocol(args, requests.size());
        List<EditorSpec> editors = editors(args);
        List<String> metrics =
                args.has("metrics") ? List.of(args.require("metrics").split(",")) : List.of();
        err.println(String.format(
                Locale.ROOT,
                "editlab bench: %s on %s, %d edits in batches of %d, eval %s, editors %s",
                model.info().id(),
                dataset.path(),
                protocol.edits(),
                protocol.batchSize(),
                protocol.evaluation().name().toLowerCase(Locale.ROOT),
                editors.stream().map(EditorSpec::method).toList()));
        ProgressBar bar = new ProgressBar(err);
        RunReport report = harness.run(new RunRequest(model, dataset, requests, editors, protocol, metrics), bar);
        bar.done();
        Reports.write(report, folder);
        HtmlReport.write(report, folder);
        out.print(Reports.table(report));
        out.println(String.format(
                Locale.ROOT,
                "protocol: T=%d, batch %d, %s order, eval %s, rephrasings %s,"
                        + " teacher-forced exact match%s; %.0f s; results in %s",
                protocol.edits(),
                protocol.batchSize(),
                protocol.order().name().toLowerCase(Locale.ROOT),
                protocol.evaluation().name().toLowerCase(Locale.ROOT),
                protocol.rephrasings().word(),
                protocol.generation() ? " (generation exact match in *_gen_em)" : "",
                report.seconds(),
                folder.toAbsolutePath()));
        return report.editors().stream().allMatch(e -> e.status().equals("ok")) ? 0 : 1;
    }

    private static Protocol protocol(Args args, int available) {
        int edits = args.integer("edits", Math.min(100, available));
        if (edits < 1 || edits > available) {
            throw new Args.UsageException("--edits must be between 1 and " + available + " (the data set's size)");
        }
        String generation = args.get("generation", "true");
        if (!generation.equals("true") && !generation.equals("false")) {
            throw new Args.UsageException("--generation must be true or false");
        }
        try {
            return Protocol.of(
                            edits,
                            args.integer("batch", 1),
                            args.get("order", "file"),
                            args.get("eval", "final"),
                            args.integer("seed", 7),
                            args.integer("checkpoint", Math.max(1, edits / 10)),
                            Boolean.parseBoolean(generation),
                            args.get("rephrasings", "held-out"))
                    .withCurves(curves(args));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--" + e.getMessage());
        }
    }

    private static Protocol.Curves curves(Args args) {
        int sample = args.integer("curve-sample", 0);
        if (sample < 0) {
            throw new Args.UsageException("--curve-sample must be 0 (every fact so far) or a number of facts");
        }
        double floor = args.decimal("collapse-floor", (float) Protocol.Curves.ALL.collapseFloor());
        if (!(floor >= 0 && floor <= 1)) {
            throw new Args.UsageException("--collapse-floor must be a locality from 0 to 1");
        }
        return new Protocol.Curves(sample, floor);
    }

    /** The ids of the editing methods installed now. */
    List<String> installedMethods() {
        return catalog.plugins(PluginKind.METHOD).stream()
                .map(PluginInfo::name)
                .distinct()
                .toList();
    }

    /** The editors named by --editors (all installed methods when absent), with their --config overrides. */
    private List<EditorSpec> editors(Args args) {
        List<String> names =
                args.has("editors") ? Arrays.asList(args.require("editors").split(",")) : installedMethods();
        if (names.isEmpty()) {
            throw new Args.UsageException("no editing method is installed (drop one into deploy/)");
        }
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        for (String entry : args.all("config")) {
            int dot = entry.indexOf('.');
            int equals = entry.indexOf('=');
            if (dot < 1 || equals < dot + 2) {
                throw new Args.UsageException("--config takes EDITOR.KEY=VALUE, not '" + entry + "'");
            }
            String editor = entry.substring(0, dot);
            if (!names.contains(editor)) {
                throw new Args.UsageException("--config names editor '" + editor + "', which is not in " + names);
            }
            overrides
                    .computeIfAbsent(editor, e -> new LinkedHashMap<>())
                    .put(entry.substring(dot + 1, equals), entry.substring(equals + 1));
        }
        List<EditorSpec> specs = new ArrayList<>();
        for (String name : names) {
            specs.add(new EditorSpec(name.strip(), overrides.getOrDefault(name, Map.of())));
        }
        return specs;
    }
}
