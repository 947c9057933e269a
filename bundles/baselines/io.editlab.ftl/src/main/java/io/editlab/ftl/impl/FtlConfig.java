package io.editlab.ftl.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configured defaults of FT-L (PID {@code io.editlab.ftl}). Each attribute's name is also the
 * key of the override that replaces it for one editor.
 */
@ObjectClassDefinition(
        name = "EditLab FT-L",
        description = "Constrained fine-tuning (the ROME paper's FT-L baseline) of one MLP projection's weight.")
@interface FtlConfig {

    @AttributeDefinition(
            name = "Layer",
            description = "The transformer block whose projection is tuned; -1 means the middle block (layers / 2).")
    int layer() default -1;

    @AttributeDefinition(
            name = "Module",
            description = "The ModuleRole of the tuned linear module (its weight is tuned): MLP_DOWN or MLP_UP.")
    String module() default "MLP_DOWN";

    @AttributeDefinition(name = "Learning rate", description = "Adam's learning rate (ROME's FT-L uses 5e-4).")
    double learningRate() default 5e-4;

    @AttributeDefinition(
            name = "Steps",
            description = "Passes over an apply call's requests; each pass takes one Adam step per mini-batch.")
    int steps() default 25;

    @AttributeDefinition(
            name = "Norm constraint",
            description = "After every Adam step, each element of the weight's change since the start of the apply"
                    + " call is clamped to [-c, c]. Infinity turns FT-L into unconstrained fine-tuning.")
    double normConstraint() default 5e-4;

    @AttributeDefinition(name = "Batch size", description = "Completions (prompt, target) per Adam step.")
    int batchSize() default 16;

    @AttributeDefinition(
            name = "Scope",
            description = "What an apply call trains on: batch (its own requests, ROME's FT-L) or all (every edit"
                    + " the editor has made so far, breadth-first, as LocFT-BF does in a stream).")
    String scope() default "batch";

    @AttributeDefinition(
            name = "Shuffle",
            description = "Shuffle the completions before every pass (LocFT-BF) instead of the order given.")
    boolean shuffle() default false;

    @AttributeDefinition(
            name = "End of text",
            description = "Append the model's end-of-text token to every target (LocFT-BF), when its vocabulary has"
                    + " one.")
    boolean endOfText() default false;
}
