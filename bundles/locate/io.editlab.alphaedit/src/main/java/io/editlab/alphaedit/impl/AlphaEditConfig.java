package io.editlab.alphaedit.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The AlphaEdit method's defaults (PID {@code io.editlab.alphaedit}): the locate-then-edit settings (the kit's
 * README, "Settings every method shares") and its own. Every attribute can be overridden per
 * editor by the key of the same name; -1 and empty values take the preset's.
 */
@ObjectClassDefinition(
        name = "EditLab AlphaEdit editor",
        description =
                "Defaults of AlphaEdit editors: MEMIT's updates projected onto the null space of the preserved keys.")
@interface AlphaEditConfig {

    @AttributeDefinition(
            name = "Preset",
            description = "auto (by model type and depth), gpt2-xl, gpt-j, llama or"
                    + " small (any other model, such as the built-in one).")
    String preset() default "auto";

    @AttributeDefinition(
            name = "Layers",
            description = "The edited blocks ('13,14,15' or '13-17');" + " empty for the preset's.")
    String layers() default "";

    @AttributeDefinition(
            name = "Key position",
            description = "auto (the preset's), subject_last (the papers) or" + " last (the prompt's last token).")
    String keyPosition() default "auto";

    @AttributeDefinition(
            name = "Value steps",
            description = "Iterations of the target-value search; -1 for the" + " preset's.")
    int steps() default -1;

    @AttributeDefinition(
            name = "Value learning rate",
            description = "Adam's learning rate on target values; -1 for" + " the preset's.")
    double learningRate() default -1;

    @AttributeDefinition(
            name = "Clamp norm factor",
            description = "A target value moves at most this times the" + " hidden state's norm; -1 for the preset's.")
    double clampNormFactor() default -1;

    @AttributeDefinition(
            name = "KL factor",
            description = "Weight of the KL term on \"{subject} is a\"; -1 for the" + " preset's.")
    double klFactor() default -1;

    @AttributeDefinition(name = "Weight decay", description = "Weight of |delta| / |h|^2; -1 for the preset's.")
    double weightDecay() default -1;

    @AttributeDefinition(
            name = "Context prefixes",
            description = "Generated prefixes (0 to 5) set before each"
                    + " prompt when keys and values are computed; -1 for the preset's.")
    int prefixes() default -1;

    @AttributeDefinition(name = "Prefix tokens", description = "The length of each generated prefix.")
    int prefixTokens() default 10;

    @AttributeDefinition(
            name = "Corpus",
            description = "The text the key statistics are measured on: a knowledge"
                    + " corpus's name (builtin) or a plain-text file (.txt, a sentence per line).")
    String corpus() default "builtin";

    @AttributeDefinition(
            name = "Statistics cache",
            description = "Folder of cached key statistics; empty for" + " ~/.editlab/keystats.")
    String cache() default "";

    @AttributeDefinition(
            name = "Null-space threshold",
            description =
                    "Eigenvalues of the preserved"
                            + " keys' second moment below this span the null space updates are projected onto; -1 for the preset's.")
    double nullSpaceThreshold() default -1;

    @AttributeDefinition(
            name = "L2",
            description = "Weight of the update's own norm in AlphaEdit's" + " objective; -1 for the preset's.")
    double l2() default -1;
}
