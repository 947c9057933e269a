package io.editlab.malmen.hypernet.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The configured defaults of the MALMEN and MEND editors (PIDs {@code io.editlab.malmen} and {@code
 * io.editlab.mend}). Every attribute can be overridden per editor by the key of the same name in
 * {@link io.editlab.api.edit.EditMethod#options}' overrides, e.g. {@code --config malmen.hypernet=DIR}.
 */
@ObjectClassDefinition(
        name = "EditLab MALMEN/MEND editor",
        description = "Applies a meta-trained hyper-network (a folder written by train-hypernet) to a session.")
public @interface EditorConfig {

    @AttributeDefinition(
            name = "Hyper-network",
            description = "The folder written by './editlab train-hypernet'"
                    + " (config.json + hypernet.safetensors) for this model and method. Required.")
    String hypernet() default "";

    @AttributeDefinition(
            name = "LM batch size",
            description = "Facts per language-model mini-batch while tracing"
                    + " keys and value gradients; 0 means the value the hyper-network was trained with (recommended: the"
                    + " gradients' scale depends on it).")
    int lmBatchSize() default 0;

    @AttributeDefinition(name = "Token chunk", description = "Rows per hyper-network chunk (official 1024).")
    int tokenChunk() default 1024;

    @AttributeDefinition(
            name = "Mode",
            description = "How repeated apply calls combine.",
            options = {
                @Option(
                        label = "sequential: each call edits the session as the earlier calls left it",
                        value = "sequential"),
                @Option(
                        label = "joint: every call is traced on the unedited model and the shift is re-solved over"
                                + " all facts so far (equal to editing them all in one call)",
                        value = "joint")
            })
    String mode() default "sequential";
}
