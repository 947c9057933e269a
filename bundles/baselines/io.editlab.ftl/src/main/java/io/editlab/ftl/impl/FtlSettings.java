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
 * Errors name the method, the key, the value and what was expected, as {@link ConfigOverrides} does.
 *
 * @param method the method id, for messages: {@code ft-l} or {@code ft}
 * @param depth where {@code layer} -1 puts the tuned block, as a fraction of the depth: FT-L's
 *     middle block (0.5) or LocFT-BF's later layer (0.7)
 * @param layer the configured block, or -1 for the method's default; see {@link #block}
 * @param module the role of the linear module whose weight is tuned
 * @param learningRate Adam's learning rate
 * @param steps the most passes over an apply call's completions
 * @param normConstraint the bound on each element of the weight's change per apply call
 * @param batchSize completions per Adam step
 * @param everyEdit true to train each call on every edit so far, false on its own requests only
 * @param shuffle true to shuffle the completions before every pass
 * @param endOfText true to append the model's end-of-text token to every target
 */
record FtlSettings(
        String method,
        double depth,
        int layer,
        ModuleRole module,
        float learningRate,
        int steps,
        float normConstraint,
        int batchSize,
        boolean everyEdit,
        boolean shuffle,
        boolean endOfText) {

    static final String LAYER = "layer";
    static final String MODULE = "module";
    static final String LEARNING_RATE = "learningRate";
    static final String STEPS = "steps";
    static final String NORM_CONSTRAINT = "normConstraint";
    static final String BATCH_SIZE = "batchSize";
    static final String SCOPE = "scope";
    static final String SHUFFLE = "shuffle";
    static final String END_OF_TEXT = "endOfText";
    static final Set<String> KEYS =
            Set.of(LAYER, MODULE, LEARNING_RATE, STEPS, NORM_CONSTRAINT, BATCH_SIZE, SCOPE, SHUFFLE, END_OF_TEXT);

    /** A method's configured defaults, before any check. */
    record Defaults(
            String method,
            double depth,
            int layer,
            String module,
            double learningRate,
            int steps,
            double normConstraint,
            int batchSize,
            String scope,
            boolean shuffle,
            boolean endOfText) {

        static Defaults of(FtlConfig c) {
            return new Defaults(
                    FtlMethod.ID,
                    0.5,
                    c.layer(),
                    c.module(),
                    c.learningRate(),
                    c.steps(),
                    c.normConstraint(),
                    c.batchSize(),
                    c.scope(),
                    c.shuffle(),
                    c.endOfText());
        }

        static Defaults of(FtConfig c) {
            return new Defaults(
                    FtMethod.ID,
                    0.7,
                    c.layer(),
                    c.module(),
                    c.learningRate(),
                    c.steps(),
                    c.normConstraint(),
                    c.batchSize(),
                    c.scope(),
                    c.shuffle(),
                    c.endOfText());
        }
    }

    /**
     * Reads {@code overrides} over {@code defaults} and checks every value that can be checked
     * without a model.
     *
     * @throws EditException naming the first bad or unknown key
     */
    static FtlSettings read(Defaults defaults, Map<String, ?> overrides) throws EditException {
        ConfigOverrides values = new ConfigOverrides(defaults.method(), overrides, KEYS);
        int layer = values.integer(LAYER, defaults.layer());
        if (layer < -1) {
            throw values.invalid(LAYER, layer, "-1 (the method's default block) or a block index");
        }
        String moduleName = values.text(MODULE, defaults.module());
        ModuleRole module = Arrays.stream(ModuleRole.values())
                .filter(role -> role.name().equals(moduleName.strip().toUpperCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> values.invalid(MODULE, moduleName, "a module role such as MLP_DOWN or MLP_UP"));
        float learningRate = (float) values.decimal(LEARNING_RATE, defaults.learningRate());
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw values.invalid(
                    LEARNING_RATE,
                    values.text(LEARNING_RATE, "" + defaults.learningRate()),
                    "a positive finite number");
        }
        int steps = values.atLeast(STEPS, defaults.steps(), 1);
        float normConstraint = (float) values.decimal(NORM_CONSTRAINT, defaults.normConstraint());
        if (!(normConstraint > 0)) {
            throw values.invalid(
                    NORM_CONSTRAINT,
                    values.text(NORM_CONSTRAINT, "" + defaults.normConstraint()),
                    "a positive number (Infinity for no constraint)");
        }
        int batchSize = values.atLeast(BATCH_SIZE, defaults.batchSize(), 1);
        String scope = values.text(SCOPE, defaults.scope()).strip();
        if (!scope.equals("batch") && !scope.equals("all")) {
            throw values.invalid(SCOPE, scope, "batch (each call's own requests) or all (every edit so far)");
        }
        return new FtlSettings(
                defaults.method(),
                defaults.depth(),
                layer,
                module,
                learningRate,
                steps,
                normConstraint,
                batchSize,
                scope.equals("all"),
                values.bool(SHUFFLE, defaults.shuffle()),
                values.bool(END_OF_TEXT, defaults.endOfText()));
    }

    /** The block to tune in {@code model}: {@link #layer}, or the block at {@link #depth} for -1. */
    int block(ModelHandle model) throws EditException {
        int layers = model.layers();
        if (layer >= layers) {
            throw invalid(LAYER, layer, "-1 (the method's default block) or a block index below " + layers);
        }
        return layer == -1 ? Math.min(layers - 1, (int) Math.floor(depth * layers)) : layer;
    }

    /** The name of the tuned weight: that of the {@link #module} of {@code block} in {@code model}. */
    String weight(ModelHandle model, int block) throws EditException {
        String weight = model.module(block, module) + ".weight";
        boolean linear = model.parameterInfo(weight)
                .map(p -> p.layout() != WeightLayout.NONE)
                .orElse(false);
        if (!linear) {
            throw invalid(
                    MODULE,
                    module,
                    "a role whose module is linear, such as MLP_DOWN or MLP_UP (the model has" + " no linear weight "
                            + weight + ")");
        }
        return weight;
    }

    private EditException invalid(String key, Object value, String expected) {
        return new EditException(method + ": " + key + " must be " + expected + ", not '" + value + "'");
    }
}
