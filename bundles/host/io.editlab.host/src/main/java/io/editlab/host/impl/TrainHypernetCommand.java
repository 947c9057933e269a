package io.editlab.host.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.host.source.Facts;
import io.editlab.host.source.Plugins;
import io.editlab.host.source.Worlds;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./editlab train-hypernet}: the one-off preparation of a method that needs one (MALMEN's
 * and MEND's meta-trained hyper-network). Finds the {@link MetaTrainer} of {@code --method} in the
 * catalog, splits the edit records, and hands the training and validation parts to it.
 *
 * <p>The split: the first {@code --holdout} records are left out entirely, because {@code bench}
 * edits the first records of a data set (in file order) and they must stay unseen; of the rest, the
 * last {@code --validation} part (a fraction below 1, else a count) validates every epoch and the
 * remainder trains.
 */
@EditlabCommand("train-hypernet")
@Component(service = io.editlab.api.host.Command.class)
public final class TrainHypernetCommand extends ModelCommand {

    static final Set<String> KEYS =
            Set.of("model", "data", "format", "method", "holdout", "validation", "limit", "out");

    private final PluginCatalog catalog;

    @Activate
    public TrainHypernetCommand(
            @Reference ModelRuntime runtime, @Reference Pretrainer pretrainer, @Reference PluginCatalog catalog) {
        super(runtime, pretrainer, catalog);
        this.catalog = catalog;
    }

    @Override
    public String usage() {
        return "--model DIR|builtin --data FILE|builtin [--format zsre|counterfact] [--method malmen|mend]"
                + " [--holdout N] [--validation FRACTION|N] [--limit N] [--config KEY=VALUE ...] --out DIR";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, KEYS, Set.of("config"));
        Path output = Path.of(args.require("out")).toAbsolutePath().normalize();
        String method = args.get("method", "malmen");
        Map<String, String> overrides = overrides(args.all("config"));
        MetaTrainer trainer = Plugins.await(catalog, PluginKind.META_TRAINER, MetaTrainer.class, method, 10_000)
                .orElseThrow(() -> new Args.UsageException("no meta-trainer for method '" + method + "' is installed;"
                        + " installed: "
                        + catalog.plugins(PluginKind.META_TRAINER).stream()
                                .map(PluginInfo::name)
                                .toList()));
        String data = args.get("data", Worlds.BUILTIN);
        List<EditRequest> records;
        if (Worlds.names(data)) {
            records = Worlds.corpus(catalog, data).edits();
        } else {
            records = Facts.readAll(catalog, data, args.get("format", null));
        }
        int limit = args.integer("limit", records.size());
        if (limit < 1) {
            throw new Args.UsageException("--limit must be at least 1");
        }
        records = records.subList(0, Math.min(limit, records.size()));
        int holdout = args.integer("holdout", Worlds.names(data) ? records.size() / 2 : 0);
        if (holdout < 0 || holdout >= records.size()) {
            throw new Args.UsageException(
                    "--holdout must be between 0 and " + (records.size() - 1) + " (of " + records.size() + " records)");
        }
        List<EditRequest> rest = records.subList(holdout, records.size());
        int validation = validationCount(args.get("validation", "0.1"), rest.size());
        List<EditRequest> training = rest.subList(0, rest.size() - validation);
        List<EditRequest> validating = rest.subList(rest.size() - validation, rest.size());
        ModelHandle model = model(args.get("model", Worlds.BUILTIN), err);
        err.println(String.format(
                Locale.ROOT,
                "editlab train-hypernet: %s on %s; %,d records: the first %,d held out"
                        + " (bench edits them), %,d training, %,d validation; %s",
                method,
                model.info().id(),
                records.size(),
                holdout,
                training.size(),
                validating.size(),
                overrides.isEmpty() ? "configured defaults" : "overrides " + overrides));
        ProgressBar bar = new ProgressBar(err);
        Path written = trainer.train(model, List.copyOf(training), List.copyOf(validating), output, overrides, bar);
        bar.done();
        out.println("hyper-network   " + written);
        out.println("use it with     --config " + method + ".hypernet=" + written);
        printRecord(written.resolve("config.json"), out);
        return 0;
    }

    /** {@code --validation}: a fraction of the non-held-out records when below 1, else a count. */
    static int validationCount(String text, int available) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new Args.UsageException("--validation must be a fraction below 1 or a count, not '" + text + "'");
        }
        int count = value < 1 ? (int) Math.round(value * available) : (int) value;
        if (value < 0 || count >= available || (value >= 1 && value != Math.floor(value))) {
            throw new Args.UsageException("--validation must leave training records: a fraction in [0, 1) or a whole"
                    + " count below " + available + ", not '" + text + "'");
        }
        return count;
    }

    /** {@code --config KEY=VALUE} entries as overrides. */
    static Map<String, String> overrides(List<String> entries) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (String entry : entries) {
            int equals = entry.indexOf('=');
            if (equals < 1) {
                throw new Args.UsageException("--config takes KEY=VALUE, not '" + entry + "'");
            }
            if (overrides.put(entry.substring(0, equals).strip(), entry.substring(equals + 1)) != null) {
                throw new Args.UsageException("--config " + entry.substring(0, equals) + " given twice");
            }
        }
        return overrides;
    }

    /** Prints the checkpoint's training record (the {@code "training"} object of its configuration) as it is. */
    private static void printRecord(Path config, PrintStream out) throws IOException {
        if (!Files.isRegularFile(config)) {
            return;
        }
        boolean inside = false;
        for (String line : Files.readAllLines(config)) {
            if (line.strip().startsWith("\"training\"")) {
                inside = true;
                continue;
            }
            if (inside) {
                if (line.strip().startsWith("}")) {
                    break;
                }
                String entry = line.strip().replaceAll(",$", "").replace("\"", "");
                int colon = entry.indexOf(':');
                if (colon > 0) {
                    out.println(String.format(
                            Locale.ROOT,
                            "%-30s %s",
                            entry.substring(0, colon).strip(),
                            entry.substring(colon + 1).strip()));
                }
            }
        }
    }
}
