package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.editkit.Home;
import io.editlab.host.source.Facts;
import io.editlab.host.source.Worlds;
import io.editlab.keystats.Corpus;
import io.editlab.keystats.KeyCache;
import io.editlab.keystats.Spectrum;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./editlab keys}: the second moment of one block's MLP keys over a corpus (cached), and its
 * spectrum: how much of the key space the corpus fills, and how large a null space is left.
 */
@EditlabCommand("keys")
@Component(service = Command.class)
public final class KeysCommand extends ModelCommand {

    private static final Set<String> KEYS = Set.of("model", "layer", "data", "format", "cache");
    private static final double[] THRESHOLDS = {1e-2, 1e-3};

    private final PluginCatalog catalog;

    @Activate
    public KeysCommand(
            @Reference ModelRuntime runtime, @Reference Pretrainer pretrainer, @Reference PluginCatalog catalog) {
        super(runtime, pretrainer, catalog);
        this.catalog = catalog;
    }

    @Override
    public String usage() {
        return "--model DIR|builtin --layer N [--data builtin|FILE|TEXT.txt [--format zsre|counterfact]]"
                + " [--cache DIR (default ~/.editlab/keystats)]";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, KEYS);
        int layer = args.integer("layer", -1);
        ModelHandle model = model(args.get("model", Worlds.BUILTIN), err);
        if (layer < 0 || layer >= model.layers()) {
            throw new Args.UsageException("--layer must be between 0 and " + (model.layers() - 1));
        }
        Corpus corpus = corpus(args.get("data", Worlds.BUILTIN), args.get("format", null));
        KeyCache cache = new KeyCache(
                Path.of(args.get("cache", Home.folder().resolve("keystats").toString())));
        ProgressBar bar = new ProgressBar(err);
        long t0 = System.nanoTime();
        KeyCache.Lookup lookup = cache.get(model, layer, corpus, bar);
        bar.done();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Spectrum spectrum =
                Spectrum.of(lookup.stats().secondMoment(), lookup.stats().width());
        double[] values = spectrum.values();
        out.println(String.format(
                Locale.ROOT,
                "keys of %s: %d-wide, over %d tokens of %d texts of %s (%s in %.1f s; %s)",
                lookup.stats().provenance().module(),
                lookup.stats().width(),
                lookup.stats().provenance().tokens(),
                corpus.texts().size(),
                corpus.name(),
                lookup.cached() ? "read from the cache" : "computed",
                seconds,
                lookup.file()));
        out.println(String.format(
                Locale.ROOT,
                "eigenvalues: largest %.4g, median %.4g, smallest %.4g",
                values[0],
                values[values.length / 2],
                values[values.length - 1]));
        out.println(String.format(
                Locale.ROOT,
                "directions holding 90%% / 99%% / 99.9%% of the energy: %d / %d / %d of %d",
                spectrum.rankFor(0.9),
                spectrum.rankFor(0.99),
                spectrum.rankFor(0.999),
                values.length));
        for (double threshold : THRESHOLDS) {
            out.println(String.format(
                    Locale.ROOT,
                    "eigenvalues below %.0e (a null space at that threshold): %d, holding" + " %.2f%% of the energy",
                    threshold,
                    spectrum.countBelow(threshold),
                    100 * spectrum.energyBelow(threshold)));
        }
        return 0;
    }

    private Corpus corpus(String data, String format) throws Exception {
        if (Worlds.names(data)) {
            return new Corpus(data + " facts", Worlds.corpus(catalog, data).facts());
        }
        if (data.endsWith(".txt")) {
            return Corpus.ofSentences(Path.of(data).toAbsolutePath().toString(), Files.readAllLines(Path.of(data)));
        }
        DataSets.Loaded loaded = DataSets.load(data, format, catalog);
        return new Corpus(loaded.info().path() + " true facts", Facts.trueFacts(loaded.requests()));
    }
}
