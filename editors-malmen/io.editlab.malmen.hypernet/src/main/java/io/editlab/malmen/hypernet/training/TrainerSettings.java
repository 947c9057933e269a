package io.editlab.malmen.hypernet.training;

import io.editlab.api.edit.ConfigOverrides;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.TrainerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One run's validated trainer settings: the configured defaults with the run's overrides applied.
 * Errors name the key, the value and what was expected.
 */
record TrainerSettings(
        Variant variant,
        List<Integer> layers,
        ModuleRole module,
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
        CaptureTokens tokens,
        int rephrases,
        long seed) {

    static final Set<String> KEYS = Set.of(
            "layers",
            "module",
            "rank",
            "blocks",
            "initialLr",
            "metaLr",
            "maxGradNorm",
            "locCoef",
            "editsPerStep",
            "lmBatchSize",
            "tokenChunk",
            "epochs",
            "patience",
            "tokens",
            "rephrases",
            "seed");

    static TrainerSettings read(Variant variant, TrainerConfig defaults, Map<String, ?> overrides)
            throws EditException {
        ConfigOverrides values = new ConfigOverrides(variant.id() + " meta-trainer", overrides, KEYS);
        String layerText = values.text("layers", defaults.layers()).strip();
        List<Integer> layers = new ArrayList<>();
        if (!layerText.isEmpty()) {
            for (String part : layerText.split(",")) {
                try {
                    int layer = Integer.parseInt(part.strip());
                    if (layer < 0 || layers.contains(layer)) {
                        throw values.invalid("layers", layerText, "distinct block indices, e.g. 2,3");
                    }
                    layers.add(layer);
                } catch (NumberFormatException e) {
                    throw values.invalid("layers", layerText, "comma-separated block indices, e.g. 2,3, or empty");
                }
            }
        }
        String moduleText = values.text("module", defaults.module()).strip().toUpperCase(Locale.ROOT);
        if (!moduleText.equals("MLP_DOWN") && !moduleText.equals("MLP_UP")) {
            throw values.invalid("module", moduleText, "MLP_DOWN or MLP_UP");
        }
        String tokenText = values.text("tokens", defaults.tokens()).strip().toUpperCase(Locale.ROOT);
        CaptureTokens tokens;
        if (tokenText.isEmpty()) {
            tokens = variant.defaultTokens();
        } else if (tokenText.equals("TARGET") || tokenText.equals("ALL")) {
            tokens = CaptureTokens.valueOf(tokenText);
        } else {
            throw values.invalid("tokens", tokenText, "TARGET, ALL or empty");
        }
        int rephrases = values.integer("rephrases", defaults.rephrases());
        if (rephrases == 0 || rephrases < -1) {
            throw values.invalid("rephrases", rephrases, "a positive number or -1 (all)");
        }
        double locCoef = values.decimal("locCoef", defaults.locCoef());
        if (!(locCoef >= 0) || Double.isInfinite(locCoef)) {
            throw values.invalid("locCoef", locCoef, "a finite number >= 0");
        }
        return new TrainerSettings(
                variant,
                List.copyOf(layers),
                ModuleRole.valueOf(moduleText),
                values.atLeast("rank", defaults.rank(), 1),
                values.atLeast("blocks", defaults.blocks(), 1),
                values.positive("initialLr", defaults.initialLr()),
                values.positive("metaLr", defaults.metaLr()),
                values.positive("maxGradNorm", defaults.maxGradNorm()),
                locCoef,
                values.atLeast("editsPerStep", defaults.editsPerStep(), 1),
                values.atLeast("lmBatchSize", defaults.lmBatchSize(), 1),
                values.atLeast("tokenChunk", defaults.tokenChunk(), 1),
                values.atLeast("epochs", defaults.epochs(), 1),
                values.atLeast("patience", defaults.patience(), 1),
                tokens,
                rephrases,
                (long) values.decimal("seed", defaults.seed()));
    }

    /**
     * The edited modules of {@code model}: the configured role in the configured blocks.
     *
     * @throws EditException naming a block the model does not have
     */
    List<String> modules(ModelHandle model) throws EditException {
        int count = model.layers();
        List<Integer> chosen = new ArrayList<>(layers);
        if (chosen.isEmpty()) {
            for (int l = count / 2; l < count; l++) {
                chosen.add(l);
            }
        }
        List<String> modules = new ArrayList<>();
        for (int layer : chosen) {
            if (layer >= count) {
                throw new EditException(
                        variant.id() + " meta-trainer: layers must be block indices below " + count + ", not " + layer);
            }
            modules.add(model.module(layer, module));
        }
        return modules;
    }

    /** The settings as strings, for the checkpoint's training record. */
    Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("layers", layers.isEmpty() ? "upper half" : layers.toString());
        d.put("module", module.name());
        d.put("rank", Integer.toString(rank));
        d.put("blocks", Integer.toString(blocks));
        d.put("initialLr", Double.toString(initialLr));
        d.put("metaLr", Double.toString(metaLr));
        d.put("maxGradNorm", Double.toString(maxGradNorm));
        d.put("locCoef", Double.toString(locCoef));
        d.put("editsPerStep", Integer.toString(editsPerStep));
        d.put("lmBatchSize", Integer.toString(lmBatchSize));
        d.put("tokenChunk", Integer.toString(tokenChunk));
        d.put("epochs", Integer.toString(epochs));
        d.put("patience", Integer.toString(patience));
        d.put("tokens", tokens.name());
        d.put("rephrases", Integer.toString(rephrases));
        d.put("seed", Long.toString(seed));
        return d;
    }
}
