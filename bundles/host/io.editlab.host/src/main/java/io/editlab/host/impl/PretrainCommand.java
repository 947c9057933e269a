package io.editlab.host.impl;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.model.TargetScore;
import io.editlab.api.train.Pretrainer;
import io.editlab.api.train.PretrainingReport;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.host.source.Facts;
import io.editlab.host.source.Worlds;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code ./editlab pretrain}: trains a model that knows the built-in world or a data file's true facts. */
@EditlabCommand("pretrain")
@Component(service = Command.class)
public final class PretrainCommand implements Command {

    private static final Set<String> KEYS = Set.of(
            "facts", "format", "limit", "out", "layers", "hidden", "heads", "epochs", "batch", "lr", "stop-at", "seed");

    private final Pretrainer pretrainer;
    private final ModelRuntime runtime;
    private final PluginCatalog catalog;

    @Activate
    public PretrainCommand(
            @Reference Pretrainer pretrainer, @Reference ModelRuntime runtime, @Reference PluginCatalog catalog) {
        this.pretrainer = pretrainer;
        this.runtime = runtime;
        this.catalog = catalog;
    }

    @Override
    public String usage() {
        return "[--facts builtin[:N]|FILE[,FILE...] [--format zsre|counterfact] [--limit RECORDS]] --out DIR [--layers N"
                + " --hidden N --heads N --epochs N --batch N --lr X --stop-at ACCURACY --seed N] (a stopped run goes on"
                + " from its last epoch when started again)";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, KEYS);
        Path output = Path.of(args.require("out")).toAbsolutePath().normalize();
        PretrainingSpec defaults = Models.BUILTIN_SPEC;
        PretrainingSpec spec = new PretrainingSpec(
                args.integer("layers", defaults.layers()),
                args.integer("hidden", defaults.hidden()),
                args.integer("heads", defaults.heads()),
                args.integer("epochs", defaults.epochs()),
                args.integer("batch", defaults.batchSize()),
                args.decimal("lr", defaults.learningRate()),
                args.decimal("stop-at", (float) defaults.stopAccuracy()),
                args.integer("seed", (int) defaults.seed()));
        List<Completion> facts;
        List<String> targets;
        List<Completion> paraphrases = List.of();
        String source = args.get("facts", Worlds.BUILTIN);
        if (!Worlds.names(source)) {
            List<EditRequest> records = Facts.readAll(catalog, source, args.get("format", null));
            int limit = args.integer("limit", records.size());
            if (limit < 1) {
                throw new Args.UsageException("--limit must be at least 1");
            }
            List<EditRequest> kept = records.subList(0, Math.min(limit, records.size()));
            facts = Facts.trueFacts(kept);
            targets = Facts.newTargets(kept);
        } else {
            KnowledgeCorpus corpus = Worlds.corpus(catalog, source);
            facts = corpus.facts();
            targets = Facts.newTargets(corpus.edits());
            paraphrases = corpus.paraphrases();
        }
        err.println(String.format(
                Locale.ROOT,
                "editlab: pretraining a %d x %d GPT-2 on %,d facts into %s",
                spec.layers(),
                spec.hidden(),
                facts.size(),
                output));
        ProgressBar bar = new ProgressBar(err);
        PretrainingReport report = pretrainer.pretrain(spec, facts, targets, output, bar);
        bar.done();
        String id = Models.idFor(output, runtime);
        ModelHandle model = runtime.load(id, output);
        out.println(String.format(Locale.ROOT, "model           %s", output));
        out.println(String.format(
                Locale.ROOT, "parameters      %,d (vocabulary %,d)", report.parameters(), report.vocabulary()));
        out.println(String.format(Locale.ROOT, "training        %d epochs, %.0f s", report.epochs(), report.seconds()));
        out.println(String.format(
                Locale.ROOT,
                "facts           %.3f exact match (teacher forced, %,d)",
                exactMatch(model, facts),
                facts.size()));
        if (!paraphrases.isEmpty()) {
            out.println(String.format(
                    Locale.ROOT,
                    "paraphrases     %.3f exact match (held-out phrasings, %,d)",
                    exactMatch(model, paraphrases),
                    paraphrases.size()));
        }
        runtime.unload(id);
        return 0;
    }

    static double exactMatch(ModelHandle model, List<Completion> items) {
        List<TargetScore> scores = model.score(items);
        return scores.stream().filter(TargetScore::exactMatch).count() / (double) scores.size();
    }
}
