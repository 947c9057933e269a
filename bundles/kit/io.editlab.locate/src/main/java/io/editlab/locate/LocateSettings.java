package io.editlab.locate;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.editkit.Home;
import io.editlab.editkit.Options;
import java.nio.file.Path;
import java.util.List;

/**
 * One locate-then-edit editor's validated settings, resolved against its model and its method's
 * presets, from its {@link LocateOptions} (a method's own options, such as the closed form's weights,
 * it resolves itself with the {@link Resolved#preset}).
 *
 * @param method the method's id
 * @param preset the preset the unset values came from
 * @param layers the edited blocks, in order
 * @param valueRole where target values are optimised (at the last edited block)
 * @param position where keys are read
 * @param prefixes how many generated context prefixes stand before each prompt (0 to {@link Prefixes#MAX})
 * @param prefixTokens their length in tokens
 * @param values how target values are optimised
 * @param corpus the corpus of the key statistics: a knowledge corpus's name, or a plain-text file
 * @param cache where key statistics are kept
 */
public record LocateSettings(
        String method,
        String preset,
        List<Integer> layers,
        ModuleRole valueRole,
        KeyPosition position,
        int prefixes,
        int prefixTokens,
        ValueSettings values,
        String corpus,
        Path cache) {

    public LocateSettings {
        layers = List.copyOf(layers);
    }

    /** Settings and the preset they were resolved with (for a method's own options set to -1). */
    public record Resolved(LocateSettings settings, LocatePreset preset) {}

    /**
     * Resolves {@code options} of {@code method} for {@code model}: the preset they name, then the
     * preset's values where they say -1 or nothing, then the checks against the model.
     *
     * @throws EditException naming the option whose value does not fit the model
     */
    public static Resolved resolve(String method, LocateOptions options, List<LocatePreset> presets, ModelHandle model)
            throws EditException {
        String presetName = options.preset();
        LocatePreset preset = LocatePreset.named(presetName, presets, model)
                .orElseThrow(() -> Options.invalid(
                        method,
                        "preset",
                        presetName,
                        "auto or one of "
                                + presets.stream().map(LocatePreset::id).toList()));
        List<Integer> layers = Layers.parse(method, options.layers(), preset.layersFor(model), model);
        KeyPosition position = options.keyPosition().strip().equalsIgnoreCase("auto")
                ? preset.position()
                : KeyPosition.parse(options.keyPosition()).orElseThrow();
        ValueSettings base = preset.values();
        ValueSettings valueSettings = new ValueSettings(
                options.steps() == -1 ? base.steps() : options.steps(),
                LocateOptions.orPreset(options.learningRate(), base.learningRate()),
                LocateOptions.orPreset(options.clampNormFactor(), base.clampNormFactor()),
                LocateOptions.orPreset(options.klFactor(), base.klFactor()),
                LocateOptions.orPreset(options.weightDecay(), base.weightDecay()));
        String cache = options.cache().strip();
        return new Resolved(
                new LocateSettings(
                        method,
                        preset.id(),
                        layers,
                        preset.valueRole(),
                        position,
                        options.prefixes() == -1 ? preset.prefixes() : options.prefixes(),
                        options.prefixTokens(),
                        valueSettings,
                        options.corpus().strip(),
                        cache.isEmpty() ? Home.folder().resolve("keystats") : Path.of(cache)),
                preset);
    }

    /** The block whose output target values are optimised at: the last edited one. */
    public int valueLayer() {
        return layers.get(layers.size() - 1);
    }
}
