package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;

/**
 * Conversions between EditLab's convention for a linear map, {@code y = x W} with {@code W} of
 * shape {@code [in, out]} (keys times values), and how a weight is stored: GPT-2's {@code Conv1D}
 * stores exactly that ({@link WeightLayout#IN_OUT}), {@code torch.nn.Linear} stores {@code W^T}
 * ({@link WeightLayout#OUT_IN}).
 */
public final class Layouts {

    private Layouts() {}

    /** The input width (key size) of a linear weight. */
    public static int keySize(ParameterInfo weight) {
        return (int) weight.shape().get(weight.layout() == WeightLayout.OUT_IN ? 1 : 0);
    }

    /** The output width (value size) of a linear weight. */
    public static int valueSize(ParameterInfo weight) {
        return (int) weight.shape().get(weight.layout() == WeightLayout.OUT_IN ? 0 : 1);
    }

    /**
     * Adds a shift given as {@code [key, value]} to a stored weight delta in place: as it is for
     * {@code IN_OUT}, transposed for {@code OUT_IN}; cast to the delta's data type.
     *
     * @throws IllegalArgumentException when the shapes do not fit or the layout is not linear
     */
    public static void addShift(NDArray delta, WeightLayout layout, NDArray shift) {
        try (NDManager scratch = shift.getManager().newSubManager()) {
            NDArray stored = stored(shift, layout, scratch);
            if (!stored.getShape().equals(delta.getShape())) {
                throw new IllegalArgumentException("a shift of shape " + shift.getShape() + " (" + layout
                        + ") does not fit a weight stored as " + delta.getShape());
            }
            delta.addi(stored.toType(delta.getDataType(), false));
        }
    }

    /**
     * A stored weight-shaped array (a weight's gradient, say) as {@code [key, value]}, owned by
     * {@code into}.
     */
    public static NDArray keyValue(NDArray stored, WeightLayout layout, NDManager into) {
        requireLinear(layout);
        NDArray copy = layout == WeightLayout.OUT_IN ? stored.transpose() : stored.duplicate();
        copy.attach(into);
        return copy;
    }

    /** A {@code [key, value]} array in the layout a weight is stored in, owned by {@code into}. */
    public static NDArray stored(NDArray keyValue, WeightLayout layout, NDManager into) {
        requireLinear(layout);
        NDArray copy = layout == WeightLayout.OUT_IN ? keyValue.transpose() : keyValue.duplicate();
        copy.attach(into);
        return copy;
    }

    /** The stored shape of a {@code [key, value]} weight. */
    public static Shape storedShape(int keySize, int valueSize, WeightLayout layout) {
        requireLinear(layout);
        return layout == WeightLayout.OUT_IN ? new Shape(valueSize, keySize) : new Shape(keySize, valueSize);
    }

    private static void requireLinear(WeightLayout layout) {
        if (layout == WeightLayout.NONE) {
            throw new IllegalArgumentException("not a linear weight layout: " + layout);
        }
    }
}
