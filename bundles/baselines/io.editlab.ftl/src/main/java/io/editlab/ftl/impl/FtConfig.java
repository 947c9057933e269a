package io.editlab.ftl.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configured defaults of {@code ft}, fine-tuning as LocFT-BF does it (PID {@code io.editlab.ft}):
 * the same keys as FT-L's ({@link FtlConfig}; bnd reads an OCD from its own class only, so the
 * attributes are repeated here with LocFT-BF's values).
 */
@ObjectClassDefinition(
        name = "EditLab FT (LocFT-BF)",
        description =
                "Fine-tuning done as LocFT-BF recommends: breadth-first passes over every edit so far, mini-batches,"
                        + " one later-layer MLP down projection, an end-of-text token after each target, early stopping.")
@interface FtConfig {

    @AttributeDefinition(
            name = "Layer",
            description = "The transformer block whose projection is tuned; -1 means LocFT-BF's later layer, the block"
                    + " at 70% of the depth (22 of Llama-3-8B's 32).")
    int layer() default -1;

    @AttributeDefinition(
            name = "Module",
            description = "The ModuleRole of the tuned linear module (its weight is tuned): MLP_DOWN or MLP_UP.")
    String module() default "MLP_DOWN";

    @AttributeDefinition(name = "Learning rate", description = "Adam's learning rate (LocFT-BF: 5e-4 for one matrix).")
    double learningRate() default 5e-4;

    @AttributeDefinition(
            name = "Steps",
            description =
                    "At most this many passes (epochs) per apply call; a pass whose mean loss is below 0.01 ends it.")
    int steps() default 25;

    @AttributeDefinition(
            name = "Norm constraint",
            description = "Bound on each element of a call's change to the weight; Infinity (LocFT-BF) for none.")
    double normConstraint() default Double.POSITIVE_INFINITY;

    @AttributeDefinition(
            name = "Batch size",
            description = "Completions (prompt, target) per Adam step (LocFT-BF: 100).")
    int batchSize() default 100;

    @AttributeDefinition(
            name = "Scope",
            description =
                    "What an apply call trains on: all (every edit so far, breadth-first) or batch (its own requests).")
    String scope() default "all";

    @AttributeDefinition(name = "Shuffle", description = "Shuffle the completions before every pass.")
    boolean shuffle() default true;

    @AttributeDefinition(
            name = "End of text",
            description = "Append the model's end-of-text token to every target, when its vocabulary has one.")
    boolean endOfText() default true;
}
