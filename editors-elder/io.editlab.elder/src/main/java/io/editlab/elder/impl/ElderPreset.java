package io.editlab.elder.impl;

import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The layout and learning rates ELDER uses for a model family when the configuration leaves them at
 * -1 (or the module empty): the paper's for GPT-2 XL and LLaMA-2-7B (README, 'Paper, code and ours'), and one
 * scaled for small models such as EditLab's built-in GPT-2, measured on the built-in world.
 *
 * @param id the preset's name in the {@code preset} setting
 * @param firstLayer the first mixture block, or -1 for half the model's blocks
 * @param layers L
 * @param queryOffset the query block relative to the first mixture block: -1 is the block before it
 *     (the released code), 0 the first mixture block itself
 * @param module the role of the query and mixture modules
 * @param experts N
 * @param learningRate Adam's learning rate for the LoRAs
 * @param routerLearningRate Adam's learning rate for the routers
 * @param threshold epsilon, or -1 for L * k (the paper's 12)
 */
record ElderPreset(
        String id,
        int firstLayer,
        int layers,
        int queryOffset,
        ModuleRole module,
        int experts,
        double learningRate,
        double routerLearningRate,
        int threshold) {

    /** GPT-2 XL (48 blocks): {@code h.36..h.41.mlp.c_fc}, query the input of {@code h.35.mlp.c_fc}. */
    static final ElderPreset GPT2_XL = new ElderPreset("gpt2-xl", 36, 6, -1, ModuleRole.MLP_UP, 4, 1e-4, 1e-4, -1);

    /** LLaMA-2-7B (32 blocks): {@code layers.21..26.mlp.down_proj}, query the input of {@code layers.20}'s. */
    static final ElderPreset LLAMA2_7B =
            new ElderPreset("llama-2-7b", 21, 6, -1, ModuleRole.MLP_DOWN, 4, 1e-4, 1e-4, -1);

    /**
     * Small models (any other): two down-projections from the middle block on, the query read at the
     * first of them, 64 LoRAs per layer, LoRAs trained at 1e-2 and routers at the paper's 1e-4 so that
     * recorded codes stay valid, and deferral unless the code matches a recorded one exactly (README,
     * "Tuning on the built-in world").
     */
    static final ElderPreset SMALL = new ElderPreset("small", -1, 2, 0, ModuleRole.MLP_DOWN, 64, 1e-2, 1e-4, 1);

    static final ElderPreset[] ALL = {GPT2_XL, LLAMA2_7B, SMALL};

    /** The preset named {@code id}, or for {@code auto} the one that fits {@code model}. */
    static Optional<ElderPreset> named(String id, ModelHandle model) {
        String key = id.strip().toLowerCase(Locale.ROOT);
        if (key.equals("auto")) {
            return Optional.of(forModel(model));
        }
        return Arrays.stream(ALL).filter(p -> p.id.equals(key)).findFirst();
    }

    /** GPT-2 XL and LLaMA-2-7B by type and depth; any other model gets {@link #SMALL}. */
    static ElderPreset forModel(ModelHandle model) {
        String type = model.info().modelType().toLowerCase(Locale.ROOT);
        if (type.equals("gpt2") && model.layers() == 48) {
            return GPT2_XL;
        }
        if (type.equals("llama") && model.layers() == 32) {
            return LLAMA2_7B;
        }
        return SMALL;
    }
}
