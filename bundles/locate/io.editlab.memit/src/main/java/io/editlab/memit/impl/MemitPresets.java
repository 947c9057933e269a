package io.editlab.memit.impl;

import io.editlab.api.model.ModuleRole;
import io.editlab.locate.KeyPosition;
import io.editlab.locate.LocatePreset;
import io.editlab.locate.ValueSettings;
import java.util.List;
import java.util.Map;

/**
 * MEMIT's presets: the released hyper-parameters for GPT-2 XL, GPT-J and Llama-3-8B (README,
 * "Presets", gives the source of each), and one measured on the built-in model.
 */
final class MemitPresets {

    static final List<LocatePreset> ALL = List.of(
            new LocatePreset("gpt2-xl", "gpt2", 48, List.of(13, 14, 15, 16, 17), ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST, 5, new ValueSettings(20, 0.5, 0.75, 0.0625, 0.5)),
            new LocatePreset("gpt-j", "gptj", 28, List.of(3, 4, 5, 6, 7, 8), ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST, 5, new ValueSettings(25, 0.5, 0.75, 0.0625, 0.5)),
            new LocatePreset("llama", "llama", 32, List.of(4, 5, 6, 7, 8), ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST, 5, new ValueSettings(25, 0.1, 0.75, 0.0625, 0.5)),
            new LocatePreset("small", null, 0, List.of(), ModuleRole.BLOCK, KeyPosition.LAST, 0,
                    new ValueSettings(20, 2, 4, 0.0625, 0.5)));

    /** lambda ({@code mom2_update_weight}) of each preset. */
    static final Map<String, Double> COVARIANCE_WEIGHT = Map.of("gpt2-xl", 20000.0, "gpt-j", 15000.0, "llama",
            15000.0, "small", 200.0);

    private MemitPresets() {
    }
}
