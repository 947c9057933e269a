package io.editlab.malmen.hypernet.training;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import io.editlab.malmen.hypernet.config.TrainerConfig;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A meta-training run's options, one component per attribute of {@link TrainerConfig} (see there),
 * checked as far as they can be without a model.
 */
record TrainerOptions(
        String layers,
        String module,
        int rank,
        int blocks,
        double initialLr,
        double metaLr,
        double maxGradNorm,
        double locCoef,
        int editsPerStep,
        int lmBatchSize,
        int tokenChunk,
        int epochs,
        int patience,
        String tokens,
        int rephrases,
        long seed)
        implements EditOptions {

    TrainerOptions {
        checkLayers(layers.strip());
        Options.require(
                Set.of("MLP_DOWN", "MLP_UP").contains(upper(module)), "module", upper(module), "MLP_DOWN or MLP_UP");
        Options.atLeast("rank", rank, 1);
        Options.atLeast("blocks", blocks, 1);
        Options.positive("initialLr", initialLr);
        Options.positive("metaLr", metaLr);
        Options.positive("maxGradNorm", maxGradNorm);
        Options.require(locCoef >= 0 && !Double.isInfinite(locCoef), "locCoef", locCoef, "a finite number >= 0");
        Options.atLeast("editsPerStep", editsPerStep, 1);
        Options.atLeast("lmBatchSize", lmBatchSize, 1);
        Options.atLeast("tokenChunk", tokenChunk, 1);
        Options.atLeast("epochs", epochs, 1);
        Options.atLeast("patience", patience, 1);
        Options.require(
                Set.of("", "TARGET", "ALL").contains(upper(tokens)), "tokens", upper(tokens), "TARGET, ALL or empty");
        Options.require(rephrases > 0 || rephrases == -1, "rephrases", rephrases, "a positive number or -1 (all)");
    }

    /** {@code text} stripped, in upper case: how choices are compared. */
    static String upper(String text) {
        return text.strip().toUpperCase(Locale.ROOT);
    }

    /** Empty, or distinct block indices separated by commas. */
    private static void checkLayers(String text) {
        if (text.isEmpty()) {
            return;
        }
        Set<Integer> seen = new HashSet<>();
        for (String part : text.split(",")) {
            int layer;
            try {
                layer = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new Options.OutOfRange("layers", text, "comma-separated block indices, e.g. 2,3, or empty");
            }
            Options.require(layer >= 0 && seen.add(layer), "layers", text, "distinct block indices, e.g. 2,3");
        }
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
