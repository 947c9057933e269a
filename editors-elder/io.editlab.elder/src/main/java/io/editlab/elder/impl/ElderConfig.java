package io.editlab.elder.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The ELDER method's defaults (PID {@code io.editlab.elder}), scaled for EditLab's built-in GPT-2
 * (4 blocks); methods.md 1.10 has the paper's values. Every attribute can be overridden per editor
 * by the key of the same name in {@link io.editlab.api.edit.EditMethod#create}'s overrides.
 */
@ObjectClassDefinition(name = "EditLab ELDER editor",
        description = "Defaults of ELDER editors: a mixture of LoRAs behind per-layer routers, a guided loss"
                + " and Hamming-distance deferral.")
@interface ElderConfig {

    @AttributeDefinition(name = "First mixture layer", description = "The block of the first mixture layer;"
            + " -1 means layers / 2.")
    int firstLayer() default -1;

    @AttributeDefinition(name = "Query layer", description = "The block whose module (the same role as the"
            + " mixture modules) reads the query from its input at the last prompt token; -1 means the block before"
            + " the first mixture layer (the released code's layout). It may be the first mixture layer itself:"
            + " the query is read from that module's input before its mixture acts.")
    int queryLayer() default -1;

    @AttributeDefinition(name = "Mixture layers", description = "L: how many consecutive blocks, from the first"
            + " mixture layer on, get a mixture of LoRAs (the paper uses 6).")
    int layers() default 2;

    @AttributeDefinition(name = "Module", description = "The linear module of each block that gets the mixture;"
            + " its input at the last prompt token in the block before the first mixture layer is the query.",
            options = {@Option(label = "MLP up-projection (c_fc, up_proj): GPT-2", value = "MLP_UP"),
                @Option(label = "MLP down-projection (c_proj, down_proj): LLaMA", value = "MLP_DOWN")})
    String module() default "MLP_UP";

    @AttributeDefinition(name = "Experts", description = "N: LoRAs per mixture layer. Each distinct target gets its own"
            + " allocation of k LoRAs per layer, so C(N, k)^L must exceed the number of distinct targets (the paper's"
            + " N = 4 with L = 6 gives 46,656; with L = 2, N = 4 gives only 36).")
    int experts() default 4;

    @AttributeDefinition(name = "Rank", description = "r: the rank of every LoRA.")
    int rank() default 8;

    @AttributeDefinition(name = "Alpha", description = "LoRA alpha; the LoRA output is scaled by alpha / rank.")
    double alpha() default 8;

    @AttributeDefinition(name = "Top k", description = "k: LoRAs mixed per layer and input.")
    int topK() default 2;

    @AttributeDefinition(name = "Guidance", description = "lambda: weight of the guided loss added to the"
            + " language-model loss.")
    double guidance() default 0.01;

    @AttributeDefinition(name = "Threshold", description = "epsilon: an input uses the LoRAs only when the Hamming"
            + " distance of its code to a recorded edit's code is below this (strict); -1 means layers * topK.")
    int threshold() default -1;

    @AttributeDefinition(name = "Learning rate", description = "Adam's learning rate for the LoRAs and routers"
            + " (the paper's 1e-4; the tiny test model needs 1e-2).")
    double learningRate() default 1e-4;

    @AttributeDefinition(name = "Router learning rate", description = "Adam's learning rate for the routers;"
            + " -1 means the learning rate (the paper trains both at one rate).")
    double routerLearningRate() default -1;

    @AttributeDefinition(name = "Iterations", description = "Optimisation steps per edit batch.")
    int iterations() default 50;

    @AttributeDefinition(name = "Step size", description = "StepLR: the learning rate is multiplied by gamma every"
            + " this many steps of a batch; 0 turns the schedule off.")
    int stepSize() default 20;

    @AttributeDefinition(name = "Gamma", description = "StepLR: the factor applied every step size steps.")
    double gamma() default 0.5;

    @AttributeDefinition(name = "Router bias", description = "Whether routers have a bias (the released code: true;"
            + " the paper: false).")
    boolean routerBias() default false;

    @AttributeDefinition(name = "Seed", description = "Seed of the initialisation and of the label allocations.")
    long seed() default 7;
}
