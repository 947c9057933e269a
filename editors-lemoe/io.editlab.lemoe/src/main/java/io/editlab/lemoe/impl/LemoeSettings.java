package io.editlab.lemoe.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import io.editlab.editkit.Options;
import java.util.Arrays;
import java.util.Locale;

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
 * @param anchorSample earlier edits held per router step (0: all)
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
        int anchorSample,
        Gate gate,
        float gateMargin,
        float gateRadius,
        float gateLoss,
        int negatives,
        long seed) {

    static final String METHOD = "lemoe";

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
     * Resolves {@code options} for {@code model}: the block, the widths given as -1, the expert form
     * {@code auto}.
     *
     * @throws EditException naming the option whose value does not fit the model
     */
    static LemoeSettings resolve(LemoeOptions options, ModelHandle model) throws EditException {
        int requested = options.layer();
        int layer = requested == -1 ? model.layers() * 9 / 16 : requested;
        if (layer < 0 || layer >= model.layers()) {
            throw Options.invalid(
                    METHOD, "layer", requested, "-1 (layers * 9 / 16) or a block from 0 to " + (model.layers() - 1));
        }
        String table = model.modules().get(0) + ".weight";
        ParameterInfo embedding = model.parameterInfo(table)
                .filter(p -> p.shape().dimension() == 2)
                .orElseThrow(() -> new EditException(METHOD + ": the model's first module "
                        + model.modules().get(0) + " has no two-dimensional weight: no token embedding to route with"));
        int width = Math.toIntExact(embedding.shape().get(1));
        ParameterInfo up = model.parameterInfo(model.module(layer, ModuleRole.MLP_UP) + ".weight")
                .filter(p -> p.layout() != WeightLayout.NONE && p.shape().dimension() == 2)
                .orElseThrow(() -> Options.invalid(
                        METHOD, "layer", requested, "a block with a linear feed-forward up-projection"));
        int inner = Math.toIntExact(
                up.layout() == WeightLayout.IN_OUT
                        ? up.shape().get(1)
                        : up.shape().get(0));
        ExpertForm form =
                switch (LemoeOptions.lower(options.expertForm())) {
                    case "gelu" -> ExpertForm.GELU;
                    case "gated-silu" -> ExpertForm.GATED_SILU;
                    default -> "gpt2".equals(model.info().modelType()) ? ExpertForm.GELU : ExpertForm.GATED_SILU;
                };
        return new LemoeSettings(
                layer,
                model.module(layer, ModuleRole.MLP),
                table,
                width,
                options.expertWidth() == -1 ? Math.min(1024, inner) : options.expertWidth(),
                form,
                options.projectionWidth() == -1 ? Math.max(1, width / 4) : options.projectionWidth(),
                LemoeOptions.lower(options.projection()).equals("shared-trainable"),
                (float) options.keyInit(),
                options.topK(),
                (float) options.lambda(),
                (float) options.learningRate(),
                (float) options.weightDecay(),
                options.epochs(),
                options.miniBatch(),
                (float) options.stopLoss(),
                (float) options.anchorLoss(),
                options.routerSteps(),
                options.anchorSample(),
                Gate.valueOf(options.gate().strip().toUpperCase(Locale.ROOT)),
                (float) options.gateMargin(),
                (float) options.gateRadius(),
                (float) options.gateLoss(),
                options.negatives(),
                options.seed());
    }
}
