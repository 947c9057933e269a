package io.editlab.locate;

import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;

/** Widths of a model's modules, read from its MLP output projections' weights. */
final class Shapes {

    private Shapes() {}

    /** The residual stream's width (the output of a block or an MLP): what MLP output projections write. */
    static long residualWidth(ModelHandle model) {
        ParameterInfo weight = projection(model, 0);
        return weight.layout() == WeightLayout.IN_OUT
                ? weight.shape().get(1)
                : weight.shape().get(0);
    }

    /** The weight of block {@code layer}'s MLP output projection. */
    static ParameterInfo projection(ModelHandle model, int layer) {
        String name = model.module(layer, ModuleRole.MLP_DOWN) + ".weight";
        return model.parameterInfo(name)
                .filter(p -> p.layout() != WeightLayout.NONE && p.shape().dimension() == 2)
                .orElseThrow(() -> new IllegalArgumentException("the model has no linear weight " + name));
    }
}
