package io.editlab.api.model;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * A named base parameter.
 *
 * @param name the checkpoint name, e.g. {@code transformer.h.5.mlp.c_proj.weight}
 * @param shape the stored shape
 * @param dataType the stored element type
 * @param layout how a linear weight is stored; deltas use the same layout
 */
public record ParameterInfo(String name, Shape shape, DataType dataType, WeightLayout layout) {
    public ParameterInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(layout, "layout");
    }
}
