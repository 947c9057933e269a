package io.editlab.locate;

import io.editlab.api.edit.ConfigOverrides;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.editkit.Home;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One locate-then-edit editor's validated settings, resolved against its model and its method's
 * presets. Every method's OCD declares the shared attributes (README, "Settings every method
 * shares") and its own (the closed form's weights), which it reads through {@link Resolved#orPreset}.
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

    /** Settings and the reader of the method's own attributes. */
    public record Resolved(LocateSettings settings, ConfigOverrides values, LocatePreset preset) {

        /**
         * A method's own number {@code key}: the override, else {@code configured}; -1 means {@code
         * preset}; anything else must be positive and finite ({@code zeroAllowed}: or zero).
         */
        public double orPreset(String key, double configured, double preset, boolean zeroAllowed) throws EditException {
            return LocateSettings.orPreset(values, key, configured, preset, zeroAllowed);
        }
    }

    /**
     * Merges {@code overrides} over the configuration {@code config} (of component property type {@code
     * type}, the method's metatype OCD, which declares the shared attributes: README, "Settings every
     * method shares") and the preset
     * it names, and checks the result for {@code model}.
     *
     * @throws EditException naming the key of an unknown, malformed or out-of-range value
     */
    public static <A extends Annotation> Resolved resolve(
            String method,
            Class<A> type,
            A config,
            Map<String, ?> overrides,
            List<LocatePreset> presets,
            ModelHandle model)
            throws EditException {
        Map<String, Object> defaults = attributes(type, config);
        ConfigOverrides values = new ConfigOverrides(method, overrides, defaults.keySet());
        String presetName = values.text("preset", (String) defaults.get("preset"));
        LocatePreset preset = LocatePreset.named(presetName, presets, model)
                .orElseThrow(() -> values.invalid(
                        "preset",
                        presetName,
                        "auto or one of "
                                + presets.stream().map(LocatePreset::id).toList()));
        List<Integer> layers = Layers.parse(
                values, values.text("layers", (String) defaults.get("layers")), preset.layersFor(model), model);
        String positionName = values.text("keyPosition", (String) defaults.get("keyPosition"));
        KeyPosition position = positionName.strip().equalsIgnoreCase("auto")
                ? preset.position()
                : KeyPosition.parse(positionName)
                        .orElseThrow(() -> values.invalid(
                                "keyPosition",
                                positionName,
                                "auto (the preset's), " + KeyPosition.SUBJECT_LAST.id() + " or "
                                        + KeyPosition.LAST.id()));
        ValueSettings base = preset.values();
        int steps = values.integer("steps", (Integer) defaults.get("steps"));
        if (steps < -1 || steps == 0) {
            throw values.invalid("steps", steps, "-1 (the preset's) or at least 1");
        }
        ValueSettings valueSettings = new ValueSettings(
                steps == -1 ? base.steps() : steps,
                orPreset(values, "learningRate", (Double) defaults.get("learningRate"), base.learningRate(), false),
                orPreset(
                        values,
                        "clampNormFactor",
                        (Double) defaults.get("clampNormFactor"),
                        base.clampNormFactor(),
                        false),
                orPreset(values, "klFactor", (Double) defaults.get("klFactor"), base.klFactor(), true),
                orPreset(values, "weightDecay", (Double) defaults.get("weightDecay"), base.weightDecay(), true));
        int prefixes = values.integer("prefixes", (Integer) defaults.get("prefixes"));
        if (prefixes < -1 || prefixes > Prefixes.MAX) {
            throw values.invalid("prefixes", prefixes, "-1 (the preset's) or from 0 to " + Prefixes.MAX);
        }
        prefixes = prefixes == -1 ? preset.prefixes() : prefixes;
        int prefixTokens = values.atLeast("prefixTokens", (Integer) defaults.get("prefixTokens"), 1);
        String corpus = values.text("corpus", (String) defaults.get("corpus")).strip();
        if (corpus.isEmpty()) {
            throw values.invalid("corpus", corpus, "a knowledge corpus's name (builtin) or a plain-text file");
        }
        String cache = values.text("cache", (String) defaults.get("cache")).strip();
        Path cacheFolder = cache.isEmpty() ? Home.folder().resolve("keystats") : Path.of(cache);
        return new Resolved(
                new LocateSettings(
                        method,
                        preset.id(),
                        layers,
                        preset.valueRole(),
                        position,
                        prefixes,
                        prefixTokens,
                        valueSettings,
                        corpus,
                        cacheFolder),
                values,
                preset);
    }

    /** The block whose output target values are optimised at: the last edited one. */
    public int valueLayer() {
        return layers.get(layers.size() - 1);
    }

    /** A positive number, or -1 for the preset's ({@code zeroAllowed}: or 0). */
    private static double orPreset(
            ConfigOverrides values, String key, double configured, double preset, boolean zeroAllowed)
            throws EditException {
        double value = values.decimal(key, configured);
        if (value == -1) {
            return preset;
        }
        if (!(zeroAllowed ? value >= 0 : value > 0) || Double.isInfinite(value)) {
            throw values.invalid(
                    key,
                    value,
                    "-1 (the preset's) or a " + (zeroAllowed ? "non-negative" : "positive") + " finite number");
        }
        return value;
    }

    /**
     * The attributes of a component property type instance, by name. A method's OCD must live in its
     * own bundle (bnd reads OCDs only from the bundle it builds), so the shared settings are read by
     * name rather than through one shared type.
     */
    private static <A extends Annotation> Map<String, Object> attributes(Class<A> type, A config) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Method attribute : type.getDeclaredMethods()) {
            try {
                attribute.setAccessible(true);
                values.put(attribute.getName(), attribute.invoke(config));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read configuration attribute " + attribute.getName(), e);
            }
        }
        for (String name : COMMON) {
            if (!values.containsKey(name)) {
                throw new IllegalStateException(type.getName() + " lacks the shared attribute " + name);
            }
        }
        return values;
    }

    /** The attributes every locate-then-edit OCD declares. */
    private static final List<String> COMMON = List.of(
            "preset",
            "layers",
            "keyPosition",
            "steps",
            "learningRate",
            "clampNormFactor",
            "klFactor",
            "weightDecay",
            "prefixes",
            "prefixTokens",
            "corpus",
            "cache");
}
