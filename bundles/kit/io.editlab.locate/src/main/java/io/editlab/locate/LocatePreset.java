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
public record LocatePreset(String id, String modelType, int blocks, List<Integer> layers, ModuleRole valueRole,
        KeyPosition position, int prefixes, ValueSettings values) {

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
            return presets.stream().filter(p -> type.equals(p.modelType) && model.layers() == p.blocks).findFirst()
                    .or(() -> presets.stream().filter(p -> p.modelType == null).findFirst());
        }
        return presets.stream().filter(p -> p.id.equals(key)).findFirst();
    }
}
