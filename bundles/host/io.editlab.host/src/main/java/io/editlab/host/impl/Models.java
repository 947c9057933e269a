package io.editlab.host.impl;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.api.train.PretrainingReport;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.host.source.Facts;
import io.editlab.host.source.Worlds;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where models come from: a folder in Hugging Face layout, or {@code builtin} ({@code builtin:N}),
 * the small model pretrained on the built-in world (of N subjects) and cached under {@code
 * <home>/models/builtin} ({@code builtin-N}).
 */
final class Models {

    /** The built-in model: 4 blocks of width 128, trained until it knows its facts. */
    static final PretrainingSpec BUILTIN_SPEC = new PretrainingSpec(4, 128, 4, 80, 64, 2e-3f, 0.98, 7);

    private Models() {}

    /**
     * The loaded model for {@code spec} ({@code builtin}, {@code builtin:N} or a folder), loading or
     * pretraining it if needed.
     */
    static ModelHandle resolve(
            String spec, ModelRuntime runtime, Pretrainer pretrainer, PluginCatalog catalog, PrintStream err)
            throws ModelException {
        Path folder;
        String id;
        boolean fresh = false;
        if (Worlds.names(spec)) {
            folder = Worlds.modelFolder(spec);
            id = Worlds.modelId(spec);
            if (!Files.isDirectory(folder)) {
                err.println("editlab: the model of " + spec + " is not in " + folder + " yet: pretraining it (once)");
                pretrainBuiltin(spec, folder, pretrainer, catalog, err);
                fresh = true;
            }
        } else {
            folder = Path.of(spec).toAbsolutePath().normalize();
            id = idFor(folder, runtime);
        }
        Optional<ModelHandle> loaded = runtime.model(id);
        if (loaded.isPresent()
                && loaded.get().info().source().equals(folder.toAbsolutePath().normalize())) {
            return loaded.get();
        }
        ModelHandle model = runtime.load(id, folder);
        if (fresh) {
            KnowledgeCorpus corpus = Worlds.corpus(catalog, spec);
            err.println(String.format(
                    Locale.ROOT,
                    "editlab: " + id + " answers %.3f of its facts and %.3f of their"
                            + " held-out paraphrases (teacher-forced exact match)",
                    PretrainCommand.exactMatch(model, corpus.facts()),
                    PretrainCommand.exactMatch(model, corpus.paraphrases())));
        }
        return model;
    }

    /**
     * The id a model folder is loaded under: its name in the characters ids take ({@link
     * #idBase}), numbered ({@code -2}, {@code -3}, ...) while another folder's model holds it.
     */
    static String idFor(Path folder, ModelRuntime runtime) {
        Path source = folder.toAbsolutePath().normalize();
        String base = idBase(source);
        String id = base;
        for (int n = 2;
                runtime.model(id).filter(m -> !m.info().source().equals(source)).isPresent();
                n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /** A folder's name as a model id: letters, digits, '.', '_' and '-', starting with a letter or digit. */
    static String idBase(Path folder) {
        String name = folder.getFileName() == null ? "" : folder.getFileName().toString();
        String id = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[^A-Za-z0-9]+", "");
        id = id.substring(0, Math.min(id.length(), 56));
        return id.isEmpty() ? "model" : id;
    }

    /** Pretrains the model of the world {@code spec} names ({@code builtin} or {@code builtin:N}) into {@code folder}. */
    static PretrainingReport pretrainBuiltin(
            String spec, Path folder, Pretrainer pretrainer, PluginCatalog catalog, PrintStream err)
            throws ModelException {
        KnowledgeCorpus corpus = Worlds.corpus(catalog, spec);
        ProgressBar bar = new ProgressBar(err);
        PretrainingReport report =
                pretrainer.pretrain(BUILTIN_SPEC, corpus.facts(), Facts.newTargets(corpus.edits()), folder, bar);
        bar.done();
        err.println(String.format(
                Locale.ROOT,
                "editlab: model of " + spec + " ready in %s (%.0f s, %d epochs, facts exact match %.3f)",
                folder,
                report.seconds(),
                report.epochs(),
                report.exactMatch()));
        return report;
    }
}
