package io.editlab.malmen.hypernet.config;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The configured defaults of a meta-trainer (PIDs {@code io.editlab.malmen.hypernet} and {@code
 * io.editlab.mend.hypernet}). Every attribute can be overridden for one run by the key of the same
 * name ({@code ./editlab train-hypernet --config KEY=VALUE}). Defaults are scaled for EditLab's
 * built-in world where the official values would not train; each description gives the official
 * value (the README's 'Whose choices'), and the bundle README says which defaults differ and why.
 */
@ObjectClassDefinition(
        name = "EditLab MALMEN/MEND meta-trainer",
        description = "Meta-trains the hyper-network of MALMEN or MEND on a training split of edits.")
public @interface TrainerConfig {

    @AttributeDefinition(
            name = "Layers",
            description =
                    "Comma-separated blocks whose module is edited; empty means"
                            + " the upper half, layers/2 .. layers-1 (the official GPT-2 configuration edits blocks 6-11 of 12).")
    String layers() default "";

    @AttributeDefinition(
            name = "Module",
            description = "The linear module of each edited block (official: the"
                    + " feed-forward output projection, c_proj / fc_out / down_proj).",
            options = {
                @Option(label = "MLP down-projection (c_proj, down_proj)", value = "MLP_DOWN"),
                @Option(label = "MLP up-projection (c_fc, up_proj)", value = "MLP_UP")
            })
    String module() default "MLP_DOWN";

    @AttributeDefinition(
            name = "Rank",
            description = "Width of each low-rank residual block (official 1920; MEND" + " caps it at the input size).")
    int rank() default 1920;

    @AttributeDefinition(name = "Blocks", description = "Residual blocks per network (official 2).")
    int blocks() default 2;

    @AttributeDefinition(
            name = "Initial learning rate",
            description =
                    "Initial per-module step size eta"
                            + " (official editor.lr 1e-6, which does not move in the few steps of the built-in world); learned.")
    double initialLr() default 1e-2;

    @AttributeDefinition(
            name = "Meta learning rate",
            description = "Adam's learning rate for the hyper-network"
                    + " (official 1e-5 over hundreds of steps; 1e-4 for the built-in world's few).")
    double metaLr() default 1e-4;

    @AttributeDefinition(
            name = "Gradient clipping",
            description = "Global L2 norm the meta-gradient is clipped to" + " (official 1).")
    double maxGradNorm() default 1.0;

    @AttributeDefinition(
            name = "Locality coefficient",
            description = "Weight of the KL locality loss in the" + " meta-loss (official 1).")
    double locCoef() default 1.0;

    @AttributeDefinition(
            name = "Edits per step",
            description = "Facts edited at once in one meta-step (official"
                    + " n_edits: 512 for zsRE; the built-in world's training split has a few hundred facts).")
    int editsPerStep() default 100;

    @AttributeDefinition(
            name = "LM batch size",
            description = "Facts per language-model mini-batch (official 32);"
                    + " editors use the same, since the value gradients' scale depends on it.")
    int lmBatchSize() default 32;

    @AttributeDefinition(name = "Token chunk", description = "Rows per hyper-network chunk (official 1024).")
    int tokenChunk() default 1024;

    @AttributeDefinition(
            name = "Epochs",
            description = "The most passes over the training split (official 1);"
                    + " validation after each, early stopping on the validation meta-loss.")
    int epochs() default 30;

    @AttributeDefinition(
            name = "Patience",
            description = "Stop after this many epochs without a better" + " validation meta-loss.")
    int patience() default 5;

    @AttributeDefinition(
            name = "Tokens",
            description = "Where keys and value gradients are taken: TARGET (the"
                    + " answer positions, MALMEN's 'ans'), ALL (every position, the MEND baseline's 'all'); empty means"
                    + " the method's official choice.")
    String tokens() default "";

    @AttributeDefinition(
            name = "Rephrases",
            description = "Rephrasings per fact in the generalisation loss"
                    + " (official: 1); -1 means all of them (the generalisation metric scores all of them).")
    int rephrases() default -1;

    @AttributeDefinition(name = "Seed", description = "Seeds the initialisation and the order of the training split.")
    long seed() default 7;
}
