package io.editlab.lemoe.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The LEMoE method's defaults (PID {@code io.editlab.lemoe}), tuned for EditLab's built-in GPT-2 (4
 * blocks, width 128); the README's 'Paper and ours' has the paper's values and the README says which default is
 * the paper's and which is ours. Every attribute can be overridden per editor by the key of the
 * same name in {@link io.editlab.api.edit.EditMethod#options}' overrides.
 */
@ObjectClassDefinition(
        name = "EditLab LEMoE editor",
        description = "Defaults of LEMoE editors: a bypass mixture of experts at one feed-forward layer, one expert"
                + " per edit batch with its own anchor key and value projection, earlier experts frozen, top-1"
                + " KV-anchor routing.")
@interface LemoeConfig {

    @AttributeDefinition(
            name = "Layer",
            description = "The block whose feed-forward sub-layer gets the mixture;"
                    + " -1 means layers * 9 / 16 (the paper's layer 18 of LLaMA-2-7B's 32, 0-based; block 2 of 4).")
    int layer() default -1;

    @AttributeDefinition(
            name = "Expert width",
            description = "The inner width of every expert; -1 means the"
                    + " host feed-forward's inner width, at most 1024 (ours; 1024 for 7B models).")
    int expertWidth() default -1;

    @AttributeDefinition(
            name = "Expert form",
            description = "The expert's shape: auto = the host's feed-forward"
                    + " form (GELU for GPT-2, gated SiLU for LLaMA/Mistral).",
            options = {
                @Option(label = "The host's form", value = "auto"),
                @Option(label = "GELU (GPT-2): up with bias, gelu, down with bias", value = "gelu"),
                @Option(label = "Gated SiLU (LLaMA): silu(x G) * (x U), down; no biases", value = "gated-silu")
            })
    String expertForm() default "auto";

    @AttributeDefinition(
            name = "Projection width",
            description =
                    "d_p, the width inside the value projection" + " v(x) = SiLU(e(x) W_down) W_up; -1 means d / 4.")
    int projectionWidth() default -1;

    @AttributeDefinition(
            name = "Projection",
            description = "Who owns the value projection: per-expert (trained"
                    + " with its expert, then frozen; keeps routing consistent) or shared-trainable (one projection trained"
                    + " at every batch: the literal third-party summary).",
            options = {
                @Option(label = "One per expert, frozen with it", value = "per-expert"),
                @Option(label = "One shared, trained at every batch", value = "shared-trainable")
            })
    String projection() default "per-expert";

    @AttributeDefinition(
            name = "Key initialisation",
            description = "Standard deviation of the normal" + " initialisation of a new expert's anchor key.")
    double keyInit() default 0.01;

    @AttributeDefinition(name = "Top k", description = "Experts used per input (the paper: 1).")
    int topK() default 1;

    @AttributeDefinition(
            name = "Lambda",
            description = "Scale of the experts' output added to the frozen" + " feed-forward's.")
    double lambda() default 1.0;

    @AttributeDefinition(
            name = "Learning rate",
            description = "Adam's learning rate for the new expert, its key"
                    + " and projection (the paper: 2e-4 on 7B models; the built-in GPT-2 needs far more).")
    double learningRate() default 1e-2;

    @AttributeDefinition(name = "Weight decay", description = "L2 penalty added to the gradients (0: plain Adam).")
    double weightDecay() default 0;

    @AttributeDefinition(name = "Epochs", description = "The most passes over an edit batch.")
    int epochs() default 100;

    @AttributeDefinition(name = "Mini-batch", description = "Edits per optimisation step.")
    int miniBatch() default 16;

    @AttributeDefinition(
            name = "Stop loss",
            description = "Training of a batch stops after the first epoch whose" + " mean loss is below this.")
    double stopLoss() default 0.01;

    @AttributeDefinition(
            name = "Anchor loss",
            description = "Weight of the routing loss (ours): cross-entropy of"
                    + " the router's softmax towards the expert that owns each edit, over the batch (the new expert)"
                    + " and every earlier edit (its own expert). 0 turns it off.")
    double anchorLoss() default 1.0;

    @AttributeDefinition(
            name = "Router steps",
            description = "Steps (ours) that train the new expert's key and"
                    + " projection on the anchor and gate losses alone, before its batch is trained: they cost no"
                    + " language-model pass, and they let the new expert win its own prompts from the first step. 0 turns"
                    + " them off.")
    int routerSteps() default 1000;

    @AttributeDefinition(
            name = "Earlier edits per router step",
            description =
                    "How many earlier edits (ours) the routing objective holds"
                            + " to their own experts at each router step: those whose prompts are nearest to the batch's. After the"
                            + " router steps every earlier edit is checked, and any that does not stay with its expert joins them"
                            + " for more steps (within Router steps). Keeps a batch's cost flat over long streams. 0 = all, always.")
    int anchorSample() default 1024;

    @AttributeDefinition(
            name = "Gate",
            description = "When the chosen expert applies (LEMoE's locality"
                    + " mechanism is not known): none = always (top-1 routing alone); score = when its score reaches its"
                    + " threshold, the lowest score of its edit prompts minus the gate margin (ours);"
                    + " anchor = when the input's instance embedding lies within the radius of one of the expert's edit"
                    + " prompts (ours).",
            options = {
                @Option(label = "Always: top-1 routing alone", value = "none"),
                @Option(label = "Score threshold", value = "score"),
                @Option(label = "Radius around the expert's edit prompts (ours)", value = "anchor")
            })
    String gate() default "anchor";

    @AttributeDefinition(
            name = "Gate margin",
            description =
                    "Score gate: how far below the lowest score of its" + " edit prompts an expert's threshold is set.")
    double gateMargin() default 1.0;

    @AttributeDefinition(
            name = "Gate radius",
            description =
                    "Anchor gate: each edit prompt's radius, as a fraction"
                            + " of the distance from its instance embedding to the nearest negative (near misses and earlier edits).")
    double gateRadius() default 0.5;

    @AttributeDefinition(
            name = "Gate loss",
            description = "Weight of the gate loss (ours; score gate only):"
                    + " logistic loss making the new expert's score positive on its edit prompts and negative on near-miss"
                    + " prompts and earlier edits. 0 turns it off.")
    double gateLoss() default 1.0;

    @AttributeDefinition(
            name = "Negatives",
            description = "Negative prompts per edit (ours) for the gate loss and"
                    + " the anchor radii: the prompt with its subject swapped, the subject in another phrasing or in random"
                    + " tokens, random token sequences; without a subject, one token replaced.")
    int negatives() default 32;

    @AttributeDefinition(name = "Seed", description = "Seed of the initialisation and of the near-miss prompts.")
    long seed() default 7;
}
