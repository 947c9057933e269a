package io.editlab.ftl.impl;

import io.editlab.api.edit.ConfigOverrides;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.WeightLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One editor's validated settings: the configured defaults with that editor's overrides applied.
 * Errors name the key, the value and what was expected, as {@link ConfigOverrides} does.
 *
 * @param layer the configured block, or -1 for the middle one; see {@link #block}
 * @param module the role of the linear module whose weight is tuned
 * @param learningRate Adam's learning rate
 * @param steps passes over an apply call's requests
 * @param normConstraint the bound on each element of the weight's change per apply call
 * @param batchSize completions per Adam step
 */
record FtlSettings(int layer, ModuleRole module, float learningRate, int steps, float normConstraint, int batchSize) {

    static final String LAYER = "layer";
    static final String MODULE = "module";
    static final String LEARNING_RATE = "learningRate";
    static final String STEPS = "steps";
    static final String NORM_CONSTRAINT = "normConstraint";
    static final String BATCH_SIZE = "batchSize";
    static final Set<String> KEYS = Set.of(LAYER, MODULE, LEARNING_RATE, STEPS, NORM_CONSTRAINT, BATCH_SIZE);

    /**
     * Reads {@code overrides} over {@code defaults} and checks every value that can be checked
     * without a model.
     *
     * @throws EditException naming the first bad or unknown key
     */
    static FtlSettings read(FtlConfig defaults, Map<String, ?> overrides) throws EditException {
        ConfigOverrides values = new ConfigOverrides(FtlMethod.ID, overrides, KEYS);
        int layer = values.integer(LAYER, defaults.layer());
        if (layer < -1) {
            throw values.invalid(LAYER, layer, "-1 (the middle block) or a block index");
        }
        String moduleName = values.text(MODULE, defaults.module());
        ModuleRole module = Arrays.stream(ModuleRole.values())
                .filter(role -> role.name().equals(moduleName.strip().toUpperCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> values.invalid(MODULE, moduleName, "a module role such as MLP_DOWN or MLP_UP"));
        float learningRate = (float) values.decimal(LEARNING_RATE, defaults.learningRate());
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw values.invalid(LEARNING_RATE, values.text(LEARNING_RATE, "" + defaults.learningRate()),
                    "a positive finite number");
        }
        int steps = values.atLeast(STEPS, defaults.steps(), 1);
        float normConstraint = (float) values.decimal(NORM_CONSTRAINT, defaults.normConstraint());
        if (!(normConstraint > 0)) {
            throw values.invalid(NORM_CONSTRAINT, values.text(NORM_CONSTRAINT, "" + defaults.normConstraint()),
                    "a positive number (Infinity for no constraint)");
        }
        int batchSize = values.atLeast(BATCH_SIZE, defaults.batchSize(), 1);
        return new FtlSettings(layer, module, learningRate, steps, normConstraint, batchSize);
    }

    /** The block to tune in {@code model}: {@link #layer}, or the middle block for -1. */
    int block(ModelHandle model) throws EditException {
        int layers = model.layers();
        if (layer >= layers) {
            throw invalid(LAYER, layer, "-1 (the middle block) or a block index below " + layers);
        }
        return layer == -1 ? layers / 2 : layer;
    }

    /** The name of the tuned weight: that of the {@link #module} of {@code block} in {@code model}. */
    String weight(ModelHandle model, int block) throws EditException {
        String weight = model.module(block, module) + ".weight";
        boolean linear = model.parameterInfo(weight).map(p -> p.layout() != WeightLayout.NONE).orElse(false);
        if (!linear) {
            throw invalid(MODULE, module, "a role whose module is linear, such as MLP_DOWN or MLP_UP (the model has"
                    + " no linear weight " + weight + ")");
        }
        return weight;
    }

    private static EditException invalid(String key, Object value, String expected) {
        return new EditException(FtlMethod.ID + ": " + key + " must be " + expected + ", not '" + value + "'");
    }
}
