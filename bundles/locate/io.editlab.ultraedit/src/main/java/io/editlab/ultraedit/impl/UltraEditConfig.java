package io.editlab.ultraedit.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The UltraEdit method's defaults (PID {@code io.editlab.ultraedit}). Every attribute can be
 * overridden per editor by the key of the same name; -1 and empty values take the preset's.
 */
@ObjectClassDefinition(
        name = "EditLab UltraEdit editor",
        description = "Defaults of UltraEdit editors: lifelong closed-form editing of MLP projections, keys and"
                + " gradients normalised by running statistics over the stream.")
@interface UltraEditConfig {

    @AttributeDefinition(
            name = "Preset",
            description = "auto (by model type and depth), gpt-j, llama, mistral or"
                    + " small (any other model, such as the built-in one).")
    String preset() default "auto";

    @AttributeDefinition(
            name = "Layers",
            description = "The edited blocks ('18,19' or '18-26'); empty for the" + " preset's.")
    String layers() default "";

    @AttributeDefinition(
            name = "Module",
            description = "The edited linear module of each block; empty for the" + " preset's.",
            options = {
                @Option(label = "preset's", value = ""),
                @Option(label = "MLP down-projection (c_proj, fc_out, down_proj)", value = "MLP_DOWN"),
                @Option(label = "MLP up-projection (c_fc, fc_in, up_proj)", value = "MLP_UP")
            })
    String module() default "";

    @AttributeDefinition(
            name = "Learning rate",
            description =
                    "The step of the pseudo-values (-lr |k|^2 g with" + " normalised k and g); -1 for the preset's.")
    double learningRate() default -1;
}
