package io.editlab.locate;

import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where and how a method edits a model family, from its paper's released hyper-parameters (each
 * method's README gives the source of every value).
 *
 * @param id the name in the {@code preset} setting
 * @param modelType the {@code model_type} it is for, or {@code null} for any model no other preset fits
 * @param blocks the depth it is for (0 with a {@code null} type)
 * @param layers the blocks whose MLP output projections are edited; empty for the last block of any
 *     depth (see {@link #layersFor})
 * @param valueRole where target values are optimised: the last edited block's output ({@link
 *     ModuleRole#BLOCK}, MEMIT) or its MLP's output ({@link ModuleRole#MLP}, ROME)
 * @param position where keys are read
 * @param prefixes how many generated context prefixes stand before each prompt
 * @param values how target values are optimised
 */
public record LocatePreset(
        String id,
        String modelType,
        int blocks,
        List<Integer> layers,
        ModuleRole valueRole,
        KeyPosition position,
        int prefixes,
        ValueSettings values) {

    /**
     * The mass-editing layouts MEMIT and AlphaEdit share: their official repositories release the same
     * blocks and value settings for GPT-2 XL, GPT-J and Llama-3-8B (each method adds its own weights), and
     * the {@code small} preset measured on the built-in model (the family README gives the sources).
     */
    public static final List<LocatePreset> MASS_EDITING = List.of(
            new LocatePreset(
                    "gpt2-xl",
                    "gpt2",
                    48,
                    List.of(13, 14, 15, 16, 17),
                    ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST,
                    5,
                    new ValueSettings(20, 0.5, 0.75, 0.0625, 0.5)),
            new LocatePreset(
                    "gpt-j",
                    "gptj",
                    28,
                    List.of(3, 4, 5, 6, 7, 8),
                    ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST,
                    5,
                    new ValueSettings(25, 0.5, 0.75, 0.0625, 0.5)),
            new LocatePreset(
                    "llama",
                    "llama",
                    32,
                    List.of(4, 5, 6, 7, 8),
                    ModuleRole.BLOCK,
                    KeyPosition.SUBJECT_LAST,
                    5,
                    new ValueSettings(25, 0.1, 0.75, 0.0625, 0.5)),
            new LocatePreset(
                    "small",
                    null,
                    0,
                    List.of(),
                    ModuleRole.BLOCK,
                    KeyPosition.LAST,
                    0,
                    new ValueSettings(20, 2, 4, 0.0625, 0.5)));

    public LocatePreset {
        layers = List.copyOf(layers);
    }

    /** The edited blocks on {@code model}: {@link #layers()}, or when that is empty its last block. */
    public List<Integer> layersFor(ModelHandle model) {
        return layers.isEmpty() ? List.of(model.layers() - 1) : layers;
    }

    /** The preset named {@code id} among {@code presets}, or for {@code auto} the one that fits {@code model}. */
    public static Optional<LocatePreset> named(String id, List<LocatePreset> presets, ModelHandle model) {
        String key = id.strip().toLowerCase(Locale.ROOT);
        if (key.equals("auto")) {
            String type = model.info().modelType().toLowerCase(Locale.ROOT);
            return presets.stream()
                    .filter(p -> type.equals(p.modelType) && model.layers() == p.blocks)
                    .findFirst()
                    .or(() -> presets.stream().filter(p -> p.modelType == null).findFirst());
        }
        return presets.stream().filter(p -> p.id.equals(key)).findFirst();
    }
}
