package io.editlab.ultraedit.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import io.editlab.editkit.Options;
import io.editlab.locate.Layers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One UltraEdit editor's validated settings.
 *
 * @param preset the preset unset values came from
 * @param weights the edited linear weights, in block order
 * @param learningRate the pseudo-values' step
 */
record UltraEditSettings(String preset, List<ParameterInfo> weights, double learningRate) {

    static final String METHOD = "ultraedit";

    /**
     * A preset: the edited blocks (empty: the last block), the module role, the learning rate.
     */
    record Preset(
            String id, String modelType, int blocks, List<Integer> layers, ModuleRole module, double learningRate) {}

    /**
     * GPT-J, Mistral-7B and Llama-3-8B from the official configuration files (README), and one measured
     * on the built-in model.
     */
    static final List<Preset> PRESETS = List.of(
            new Preset("gpt-j", "gptj", 28, List.of(18, 19, 20, 21, 22, 23, 24, 25, 26), ModuleRole.MLP_DOWN, 1e-6),
            new Preset("mistral", "mistral", 32, List.of(29, 30), ModuleRole.MLP_DOWN, 1e-6),
            new Preset("llama", "llama", 32, List.of(18, 19, 20, 21, 22, 23, 24), ModuleRole.MLP_UP, 1e-6),
            new Preset("small", null, 0, List.of(), ModuleRole.MLP_DOWN, 1e-2));

    /**
     * Resolves {@code options} for {@code model}: the preset's values where they are empty or -1, then
     * checks against the model.
     *
     * @throws EditException naming the option whose value does not fit the model
     */
    static UltraEditSettings resolve(UltraEditOptions options, ModelHandle model) throws EditException {
        String presetName = options.preset().strip().toLowerCase(Locale.ROOT);
        Preset preset = preset(presetName, model)
                .orElseThrow(() -> Options.invalid(
                        METHOD,
                        "preset",
                        presetName,
                        "auto or one of " + PRESETS.stream().map(Preset::id).toList()));
        String roleName = options.module().strip();
        ModuleRole role = roleName.isEmpty() ? preset.module() : ModuleRole.valueOf(roleName.toUpperCase(Locale.ROOT));
        List<Integer> layers = Layers.parse(
                METHOD,
                options.layers(),
                preset.layers().isEmpty() ? List.of(model.layers() - 1) : preset.layers(),
                model);
        List<ParameterInfo> weights = new ArrayList<>();
        for (int layer : layers) {
            String name = model.module(layer, role) + ".weight";
            weights.add(model.parameterInfo(name)
                    .filter(p -> p.layout() != WeightLayout.NONE && p.shape().dimension() == 2)
                    .orElseThrow(() -> Options.invalid(
                            METHOD, "module", role, "a linear module;" + " the model has no weight " + name)));
        }
        double learningRate = options.learningRate() == -1 ? preset.learningRate() : options.learningRate();
        return new UltraEditSettings(preset.id(), weights, learningRate);
    }

    private static Optional<Preset> preset(String id, ModelHandle model) {
        if (id.equals("auto")) {
            String type = model.info().modelType().toLowerCase(Locale.ROOT);
            return PRESETS.stream()
                    .filter(p -> type.equals(p.modelType()) && p.blocks() == model.layers())
                    .findFirst()
                    .or(() ->
                            PRESETS.stream().filter(p -> p.modelType() == null).findFirst());
        }
        return PRESETS.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
