package io.editlab.grace.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The GRACE method's defaults (PID {@code io.editlab.grace}). Every attribute can be overridden per
 * editor by the key of the same name in {@link io.editlab.api.edit.EditMethod#options}' overrides.
 */
@ObjectClassDefinition(
        name = "EditLab GRACE editor",
        description = "Defaults of GRACE editors: a key-value codebook with deferral radii at one linear module.")
@interface GraceConfig {

    @AttributeDefinition(
            name = "Layer",
            description = "The transformer block whose module is wrapped;"
                    + " -1 means the block at two thirds of the depth (layers * 2 / 3).")
    int layer() default -1;

    @AttributeDefinition(
            name = "Module",
            description = "The linear module of that block that is wrapped: its input"
                    + " at the last prompt token is the key, its output is replaced by the codebook value.",
            options = {
                @Option(label = "MLP down-projection (c_proj, down_proj)", value = "MLP_DOWN"),
                @Option(label = "MLP up-projection (c_fc, up_proj)", value = "MLP_UP")
            })
    String module() default "MLP_DOWN";

    @AttributeDefinition(
            name = "Epsilon",
            description = "Initial deferral radius of a new entry (Euclidean"
                    + " distance between keys); also how far beyond an entry's radius a key still counts as near it.")
    double epsilon() default 1.0;

    @AttributeDefinition(name = "Learning rate", description = "Adam learning rate for training an entry's value.")
    double learningRate() default 1.0;

    @AttributeDefinition(name = "Steps", description = "Adam iterations on the value per edit.")
    int steps() default 100;

    @AttributeDefinition(
            name = "Replacement",
            description =
                    "Which positions of an input whose key is within" + " an entry's radius get the entry's value.",
            options = {
                @Option(label = "all positions", value = "all"),
                @Option(label = "the query position (last prompt token) only", value = "last"),
                @Option(label = "the query position and every later one", value = "from-query")
            })
    String replacement() default "all";

    @AttributeDefinition(
            name = "Expand on same label",
            description = "When an edit's key is near an entry with"
                    + " the same target, grow that entry's radius to cover it (true) or add a new entry (false).")
    boolean expandOnSameLabel() default true;
}
