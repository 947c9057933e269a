package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.host.source.Worlds;
import io.editlab.trace.CausalTrace;
import io.editlab.trace.TraceResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./editlab trace}: causal tracing of a model on a data set's facts (see {@link CausalTrace}). */
@EditlabCommand("trace")
@Component(service = Command.class)
public final class TraceCommand extends ModelCommand {

    private static final Set<String> KEYS =
            Set.of("model", "data", "format", "facts", "samples", "noise", "seed", "out");

    private final PluginCatalog catalog;

    @Activate
    public TraceCommand(
            @Reference ModelRuntime runtime, @Reference Pretrainer pretrainer, @Reference PluginCatalog catalog) {
        super(runtime, pretrainer, catalog);
        this.catalog = catalog;
    }

    @Override
    public String usage() {
        return "--model DIR|builtin [--data builtin|FILE [--format zsre|counterfact]] [--facts 200] [--samples 3]"
                + " [--noise 3] [--seed 1] [--out DIR]";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, KEYS);
        CausalTrace.Settings settings;
        try {
            settings = new CausalTrace.Settings(
                    args.integer("facts", 200),
                    args.integer("samples", 3),
                    args.decimal("noise", 3f),
                    args.integer("seed", 1));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        ModelHandle model = model(args.get("model", Worlds.BUILTIN), err);
        DataSets.Loaded data = DataSets.load(args.get("data", Worlds.BUILTIN), args.get("format", null), catalog);
        ProgressBar bar = new ProgressBar(err);
        TraceResult result = new CausalTrace(model, settings).run(data.requests(), bar);
        bar.done();
        out.print(result.table());
        if (args.has("out")) {
            Path folder = Path.of(args.require("out"));
            result.write(folder);
            out.println("\ntrace.json and trace.html in " + folder.toAbsolutePath());
        }
        return 0;
    }
}
