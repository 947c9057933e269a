package io.editlab.rome.impl;

import io.editlab.api.model.ModuleRole;
import io.editlab.locate.KeyPosition;
import io.editlab.locate.LocatePreset;
import io.editlab.locate.ValueSettings;
import java.util.List;

/**
 * ROME's presets: the released hyper-parameters for GPT-2 XL and GPT-J (README, "Presets"), LLaMA
 * by analogy with GPT-J, and one measured on the built-in model. ROME optimises the value at the
 * edited block's MLP output.
 */
final class RomePresets {

    static final List<LocatePreset> ALL = List.of(
            new LocatePreset(
                    "gpt2-xl",
                    "gpt2",
                    48,
                    List.of(17),
                    ModuleRole.MLP,
                    KeyPosition.SUBJECT_LAST,
                    5,
                    new ValueSettings(20, 0.5, 4, 0.0625, 0.5)),
            new LocatePreset(
                    "gpt-j",
                    "gptj",
                    28,
                    List.of(5),
                    ModuleRole.MLP,
                    KeyPosition.SUBJECT_LAST,
                    5,
                    new ValueSettings(20, 0.5, 4, 0.0625, 0.5)),
            new LocatePreset(
                    "llama",
                    "llama",
                    32,
                    List.of(5),
                    ModuleRole.MLP,
                    KeyPosition.SUBJECT_LAST,
                    5,
                    new ValueSettings(20, 0.5, 4, 0.0625, 0.5)),
            new LocatePreset(
                    "small",
                    null,
                    0,
                    List.of(),
                    ModuleRole.MLP,
                    KeyPosition.LAST,
                    0,
                    new ValueSettings(20, 2, 4, 0.0625, 0.5)));

    private RomePresets() {}
}
