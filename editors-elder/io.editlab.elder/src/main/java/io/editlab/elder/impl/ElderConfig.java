package io.editlab.elder.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The ELDER method's defaults (PID {@code io.editlab.elder}), scaled for EditLab's built-in GPT-2
 * (4 blocks); the README's 'Paper, code and ours' has the paper's values. Every attribute can be overridden per editor
 * by the key of the same name in {@link io.editlab.api.edit.EditMethod#options}' overrides.
 */
@ObjectClassDefinition(
        name = "EditLab ELDER editor",
        description = "Defaults of ELDER editors: a mixture of LoRAs behind per-layer routers, a guided loss"
                + " and Hamming-distance deferral.")
@interface ElderConfig {

    @AttributeDefinition(
            name = "Preset",
            description = "Where the settings left at -1 (or empty) come from:"
                    + " the paper's layout and learning rate for GPT-2 XL or LLaMA-2-7B, or the one scaled for small models;"
                    + " auto picks by the model's type and depth.",
            options = {
                @Option(label = "By model (GPT-2 XL, LLaMA-2-7B, else small)", value = "auto"),
                @Option(label = "GPT-2 XL (paper)", value = "gpt2-xl"),
                @Option(label = "LLaMA-2-7B (paper)", value = "llama-2-7b"),
                @Option(label = "Small models (built-in GPT-2)", value = "small")
            })
    String preset() default "auto";

    @AttributeDefinition(
            name = "First mixture layer",
            description =
                    "The block of the first mixture layer;" + " -1: the preset's (half the blocks for small models).")
    int firstLayer() default -1;

    @AttributeDefinition(
            name = "Query layer",
            description = "The block whose module (the same role as the"
                    + " mixture modules) reads the query from its input at the last prompt token; -1: the preset's (the"
                    + " block before the first mixture layer for the paper's models, as the released code does; the first"
                    + " mixture layer itself for small models, whose query is then read before its mixture acts).")
    int queryLayer() default -1;

    @AttributeDefinition(
            name = "Mixture layers",
            description = "L: how many consecutive blocks, from the first"
                    + " mixture layer on, get a mixture of LoRAs; -1: the preset's (paper: 6; small: 2).")
    int layers() default -1;

    @AttributeDefinition(
            name = "Module",
            description = "The linear module of each block that gets the mixture"
                    + " and whose input is the query; empty: the preset's.",
            options = {
                @Option(label = "The preset's", value = ""),
                @Option(label = "MLP up-projection (c_fc, up_proj): GPT-2 XL", value = "MLP_UP"),
                @Option(label = "MLP down-projection (c_proj, down_proj): LLaMA-2, small models", value = "MLP_DOWN")
            })
    String module() default "";

    @AttributeDefinition(
            name = "Experts",
            description = "N: LoRAs per mixture layer; -1: the preset's (paper: 4;"
                    + " small: 64). Each distinct target gets its own allocation of k LoRAs per layer, so C(N, k)^L must"
                    + " exceed the number of distinct targets (N = 4, L = 6: 46,656; N = 4, L = 2: only 36).")
    int experts() default -1;

    @AttributeDefinition(name = "Rank", description = "r: the rank of every LoRA.")
    int rank() default 8;

    @AttributeDefinition(name = "Alpha", description = "LoRA alpha; the LoRA output is scaled by alpha / rank.")
    double alpha() default 8;

    @AttributeDefinition(name = "Top k", description = "k: LoRAs mixed per layer and input.")
    int topK() default 2;

    @AttributeDefinition(
            name = "Guidance",
            description = "lambda: weight of the guided loss added to the" + " language-model loss.")
    double guidance() default 0.01;

    @AttributeDefinition(
            name = "Threshold",
            description = "epsilon: an input uses the LoRAs only when the Hamming"
                    + " distance of its code to a recorded edit's code is below this (strict); -1: the preset's (paper:"
                    + " layers * topK, 12; small: 1, the code must match exactly).")
    int threshold() default -1;

    @AttributeDefinition(
            name = "Learning rate",
            description = "Adam's learning rate for the LoRAs; -1: the"
                    + " preset's (paper: 1e-4; small: 1e-2, as 1e-4 does not move a small model in 50 steps).")
    double learningRate() default -1;

    @AttributeDefinition(
            name = "Router learning rate",
            description = "Adam's learning rate for the routers; -1:"
                    + " the preset's (paper: the learning rate, 1e-4; small: 1e-4, so that routers do not drift away from"
                    + " the codes recorded for earlier edits); 0 freezes the routers at their initialisation (codes never"
                    + " drift; the guided loss then has nothing to train).")
    double routerLearningRate() default -1;

    @AttributeDefinition(name = "Iterations", description = "Optimisation steps per edit batch.")
    int iterations() default 50;

    @AttributeDefinition(
            name = "Step size",
            description = "StepLR: the learning rate is multiplied by gamma every"
                    + " this many steps of a batch; 0 turns the schedule off.")
    int stepSize() default 20;

    @AttributeDefinition(name = "Gamma", description = "StepLR: the factor applied every step size steps.")
    double gamma() default 0.5;

    @AttributeDefinition(
            name = "Router bias",
            description = "Whether routers have a bias (the released code: true;" + " the paper: false).")
    boolean routerBias() default false;

    @AttributeDefinition(name = "Seed", description = "Seed of the initialisation and of the label allocations.")
    long seed() default 7;
}
