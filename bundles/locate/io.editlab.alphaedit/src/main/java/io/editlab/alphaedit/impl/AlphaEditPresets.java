package io.editlab.alphaedit.impl;

import io.editlab.api.model.ModuleRole;
import io.editlab.locate.KeyPosition;
import io.editlab.locate.LocatePreset;
import io.editlab.locate.ValueSettings;
import java.util.List;
import java.util.Map;

/**
 * AlphaEdit's presets: the released hyper-parameters for GPT-2 XL, GPT-J and Llama-3-8B (README,
 * "Presets"), and one measured on the built-in model.
 */
final class AlphaEditPresets {

    static final List<LocatePreset> ALL = List.of(
            new LocatePreset("gpt2-xl", "gpt2", 48, List.of(13, 14, 15, 16, 17), ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST, 5, new ValueSettings(20, 0.5, 0.75, 0.0625, 0.5)),
            new LocatePreset("gpt-j", "gptj", 28, List.of(3, 4, 5, 6, 7, 8), ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST, 5, new ValueSettings(25, 0.5, 0.75, 0.0625, 0.5)),
            new LocatePreset("llama", "llama", 32, List.of(4, 5, 6, 7, 8), ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST, 5, new ValueSettings(25, 0.1, 0.75, 0.0625, 0.5)),
            new LocatePreset("small", null, 0, List.of(), ModuleRole.BLOCK, KeyPosition.LAST, 0,
                    new ValueSettings(20, 2, 4, 0.0625, 0.5)));

    /** The null-space threshold of each preset. */
    static final Map<String, Double> THRESHOLD = Map.of("gpt2-xl", 2e-2, "gpt-j", 2e-2, "llama", 2e-2, "small", 0.5);

    /** L2 of each preset. */
    static final Map<String, Double> L2 = Map.of("gpt2-xl", 10.0, "gpt-j", 10.0, "llama", 10.0, "small", 10.0);

    private AlphaEditPresets() {
    }
}
