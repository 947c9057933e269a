package io.editlab.malmen.hypernet.training;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.malmen.hypernet.Variant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's trainer settings, from its checked {@link TrainerOptions}.
 */
record TrainerSettings(
        Variant variant, TrainerOptions options, List<Integer> layers, ModuleRole module, CaptureTokens tokens) {

    /** The settings of a meta-training run of {@code variant} with {@code options}. */
    static TrainerSettings of(Variant variant, TrainerOptions options) {
        List<Integer> layers = new ArrayList<>();
        if (!options.layers().isBlank()) {
            for (String part : options.layers().split(",")) {
                layers.add(Integer.parseInt(part.strip()));
            }
        }
        String tokens = TrainerOptions.upper(options.tokens());
        return new TrainerSettings(
                variant,
                options,
                List.copyOf(layers),
                ModuleRole.valueOf(TrainerOptions.upper(options.module())),
                tokens.isEmpty() ? variant.defaultTokens() : CaptureTokens.valueOf(tokens));
    }

    /**
     * The edited modules of {@code model}: the configured role in the configured blocks.
     *
     * @throws EditException naming a block the model does not have
     */
    List<String> modules(ModelHandle model) throws EditException {
        int count = model.layers();
        List<Integer> chosen = new ArrayList<>(layers);
        if (chosen.isEmpty()) {
            for (int l = count / 2; l < count; l++) {
                chosen.add(l);
            }
        }
        List<String> modules = new ArrayList<>();
        for (int layer : chosen) {
            if (layer >= count) {
                throw new EditException(
                        variant.id() + " meta-trainer: layers must be block indices below " + count + ", not " + layer);
            }
            modules.add(model.module(layer, module));
        }
        return modules;
    }

    /** The settings as strings, for the checkpoint's training record. */
    Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>(options.values());
        d.put("layers", layers.isEmpty() ? "upper half" : layers.toString());
        d.put("module", module.name());
        d.put("tokens", tokens.name());
        return d;
    }
}
