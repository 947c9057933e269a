package io.editlab.malmen.hypernet;

import io.editlab.api.model.WeightLayout;
import java.util.Objects;

/**
 * A linear module whose weight the hyper-network edits.
 *
 * @param module the module name, where keys and value gradients are captured
 * @param weight its weight parameter, {@code module + ".weight"}
 * @param layout how the weight is stored ({@link WeightLayout#IN_OUT} or {@link WeightLayout#OUT_IN})
 * @param keySize the module's input width
 * @param valueSize the module's output width
 * @param group the index of the shape group (one network per distinct {@code (keySize, valueSize)})
 * @param index the module's index within its group: which per-module scale, shift, eta, lambda it uses
 */
public record EditedModule(
        String module, String weight, WeightLayout layout, int keySize, int valueSize, int group, int index) {

    public EditedModule {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(weight, "weight");
        Objects.requireNonNull(layout, "layout");
        if (layout == WeightLayout.NONE) {
            throw new IllegalArgumentException(weight + " is not a linear weight");
        }
        if (keySize < 1 || valueSize < 1 || group < 0 || index < 0) {
            throw new IllegalArgumentException("sizes must be positive and indices non-negative: " + weight);
        }
    }
}
