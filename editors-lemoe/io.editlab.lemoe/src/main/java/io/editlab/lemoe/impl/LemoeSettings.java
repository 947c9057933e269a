package io.editlab.lemoe.impl;

import io.editlab.api.edit.ConfigOverrides;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One editor's validated configuration, resolved against its model.
 *
 * @param layer the block whose feed-forward sub-layer gets the mixture (never -1)
 * @param module the hooked module: that block's {@link ModuleRole#MLP}
 * @param table the token-embedding parameter the instance embeddings are read from
 * @param width d, the residual width (input and output of the feed-forward sub-layer)
 * @param expertWidth the experts' inner width (never -1)
 * @param form the experts' shape
 * @param projectionWidth d_p (never -1)
 * @param sharedProjection whether one trainable projection serves every expert
 * @param keyInit standard deviation of a new key
 * @param topK experts per input
 * @param lambda scale of the experts' output
 * @param learningRate Adam's learning rate
 * @param weightDecay Adam's L2 penalty
 * @param epochs the most passes over a batch
 * @param miniBatch edits per step
 * @param stopLoss early-stopping threshold on the epoch-mean loss
 * @param anchorLoss weight of the routing cross-entropy
 * @param routerSteps router-only steps before a batch's training
 * @param gate when a chosen expert applies
 * @param gateMargin score gate: distance of a threshold below its expert's lowest edit score
 * @param gateRadius anchor gate: radius as a fraction of the distance to the nearest negative
 * @param gateLoss weight of the gate's logistic loss
 * @param negatives near-miss prompts per edit
 * @param seed initialisation and near-miss seed
 */
record LemoeSettings(
        int layer,
        String module,
        String table,
        int width,
        int expertWidth,
        ExpertForm form,
        int projectionWidth,
        boolean sharedProjection,
        float keyInit,
        int topK,
        float lambda,
        float learningRate,
        float weightDecay,
        int epochs,
        int miniBatch,
        float stopLoss,
        float anchorLoss,
        int routerSteps,
        Gate gate,
        float gateMargin,
        float gateRadius,
        float gateLoss,
        int negatives,
        long seed) {

    static final String METHOD = "lemoe";

    /** The configuration keys: the attribute names of {@link LemoeConfig}. */
    static final Set<String> KEYS = Arrays.stream(LemoeConfig.class.getDeclaredMethods())
            .map(Method::getName)
            .collect(Collectors.toUnmodifiableSet());

    /** When a chosen expert applies. */
    enum Gate {
        /** Always: top-1 routing alone. */
        NONE,
        /** When its score reaches its threshold. */
        SCORE,
        /** When the input lies within the radius of one of its edit prompts. */
        ANCHOR
    }

    /** The experts' shape. */
    enum ExpertForm {
        /** GPT-2's: {@code gelu(x U + b) D + c}. */
        GELU("gelu"),
        /** LLaMA's: {@code (silu(x G) * (x U)) D}, no biases. */
        GATED_SILU("gated-silu");

        final String id;

        ExpertForm(String id) {
            this.id = id;
        }

        static ExpertForm of(String id) {
            return Arrays.stream(values())
                    .filter(f -> f.id.equals(id))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no expert form " + id));
        }
    }

    /**
     * Merges {@code overrides} over {@code defaults} and checks the result for {@code model}.
     *
     * @throws EditException naming the key of an unknown, malformed or out-of-range value
     */
    static LemoeSettings resolve(LemoeConfig defaults, Map<String, ?> overrides, ModelHandle model)
            throws EditException {
        ConfigOverrides values = new ConfigOverrides(METHOD, overrides, KEYS);
        int requested = values.integer("layer", defaults.layer());
        int layer = requested == -1 ? model.layers() * 9 / 16 : requested;
        if (layer < 0 || layer >= model.layers()) {
            throw values.invalid(
                    "layer", requested, "-1 (layers * 9 / 16) or a block from 0 to " + (model.layers() - 1));
        }
        String table = model.modules().get(0) + ".weight";
        ParameterInfo embedding = model.parameterInfo(table)
                .filter(p -> p.shape().dimension() == 2)
                .orElseThrow(() -> new EditException(METHOD + ": the model's first module "
                        + model.modules().get(0) + " has no two-dimensional weight: no token embedding to route with"));
        int width = Math.toIntExact(embedding.shape().get(1));
        ParameterInfo up = model.parameterInfo(model.module(layer, ModuleRole.MLP_UP) + ".weight")
                .filter(p -> p.layout() != WeightLayout.NONE && p.shape().dimension() == 2)
                .orElseThrow(
                        () -> values.invalid("layer", requested, "a block with a linear feed-forward up-projection"));
        int inner = Math.toIntExact(
                up.layout() == WeightLayout.IN_OUT
                        ? up.shape().get(1)
                        : up.shape().get(0));
        int expertWidth = values.integer("expertWidth", defaults.expertWidth());
        if (expertWidth == -1) {
            expertWidth = Math.min(1024, inner);
        } else if (expertWidth < 1) {
            throw values.invalid("expertWidth", expertWidth, "-1 (the host's inner width, at most 1024) or at least 1");
        }
        String formName =
                values.text("expertForm", defaults.expertForm()).strip().toLowerCase(Locale.ROOT);
        ExpertForm form =
                switch (formName) {
                    case "auto" -> "gpt2".equals(model.info().modelType()) ? ExpertForm.GELU : ExpertForm.GATED_SILU;
                    case "gelu" -> ExpertForm.GELU;
                    case "gated-silu" -> ExpertForm.GATED_SILU;
                    default -> throw values.invalid("expertForm", formName, "auto, gelu or gated-silu");
                };
        int projectionWidth = values.integer("projectionWidth", defaults.projectionWidth());
        if (projectionWidth == -1) {
            projectionWidth = Math.max(1, width / 4);
        } else if (projectionWidth < 1) {
            throw values.invalid("projectionWidth", projectionWidth, "-1 (d / 4) or at least 1");
        }
        String projection =
                values.text("projection", defaults.projection()).strip().toLowerCase(Locale.ROOT);
        if (!projection.equals("per-expert") && !projection.equals("shared-trainable")) {
            throw values.invalid("projection", projection, "per-expert or shared-trainable");
        }
        double keyInit = values.decimal("keyInit", defaults.keyInit());
        if (!(keyInit >= 0) || Double.isInfinite(keyInit)) {
            throw values.invalid("keyInit", keyInit, "a finite number >= 0");
        }
        int topK = values.atLeast("topK", defaults.topK(), 1);
        double lambda = values.positive("lambda", defaults.lambda());
        double learningRate = values.positive("learningRate", defaults.learningRate());
        double weightDecay = nonNegative(values, "weightDecay", defaults.weightDecay());
        int epochs = values.atLeast("epochs", defaults.epochs(), 1);
        int miniBatch = values.atLeast("miniBatch", defaults.miniBatch(), 1);
        double stopLoss = nonNegative(values, "stopLoss", defaults.stopLoss());
        double anchorLoss = nonNegative(values, "anchorLoss", defaults.anchorLoss());
        int routerSteps = values.atLeast("routerSteps", defaults.routerSteps(), 0);
        String gateName = values.text("gate", defaults.gate()).strip().toUpperCase(Locale.ROOT);
        Gate gate = Arrays.stream(Gate.values())
                .filter(g -> g.name().equals(gateName))
                .findFirst()
                .orElseThrow(() -> values.invalid("gate", gateName.toLowerCase(Locale.ROOT), "none, score or anchor"));
        double gateMargin = nonNegative(values, "gateMargin", defaults.gateMargin());
        double gateRadius = values.positive("gateRadius", defaults.gateRadius());
        double gateLoss = nonNegative(values, "gateLoss", defaults.gateLoss());
        int negatives = values.atLeast("negatives", defaults.negatives(), 0);
        long seed;
        try {
            seed = Long.parseLong(
                    values.text("seed", Long.toString(defaults.seed())).strip());
        } catch (NumberFormatException e) {
            throw values.invalid("seed", values.text("seed", ""), "a whole number");
        }
        return new LemoeSettings(
                layer,
                model.module(layer, ModuleRole.MLP),
                table,
                width,
                expertWidth,
                form,
                projectionWidth,
                projection.equals("shared-trainable"),
                (float) keyInit,
                topK,
                (float) lambda,
                (float) learningRate,
                (float) weightDecay,
                epochs,
                miniBatch,
                (float) stopLoss,
                (float) anchorLoss,
                routerSteps,
                gate,
                (float) gateMargin,
                (float) gateRadius,
                (float) gateLoss,
                negatives,
                seed);
    }

    private static double nonNegative(ConfigOverrides values, String key, double fallback) throws EditException {
        double value = values.decimal(key, fallback);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw values.invalid(key, value, "a finite number >= 0");
        }
        return value;
    }
}
