package io.editlab.ftl.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.WeightLayout;
import io.editlab.editkit.Options;

/**
 * One editor's settings: its checked {@link FtOptions} with what its method adds (the id, the
 * default block's depth), resolved against the model by {@link #block} and {@link #weight}.
 *
 * @param method the method id, for messages: {@code ft-l} or {@code ft}
 * @param depth where {@code layer} -1 puts the tuned block, as a fraction of the depth: FT-L's
 *     middle block (0.5) or LocFT-BF's later layer (0.7)
 * @param layer the configured block, or -1 for the method's default; see {@link #block}
 * @param module the role of the linear module whose weight is tuned
 * @param learningRate Adam's learning rate
 * @param steps the most passes over an apply call's completions
 * @param normConstraint the bound on each element of the weight's change per apply call
 * @param batchSize completions per Adam step
 * @param everyEdit true to train each call on every edit so far, false on its own requests only
 * @param shuffle true to shuffle the completions before every pass
 * @param endOfText true to append the model's end-of-text token to every target
 */
record FtlSettings(
        String method,
        double depth,
        int layer,
        ModuleRole module,
        float learningRate,
        int steps,
        float normConstraint,
        int batchSize,
        boolean everyEdit,
        boolean shuffle,
        boolean endOfText) {

    /**
     * The settings of {@code method} (which puts a default block at {@code depth}) from checked
     * options.
     */
    static FtlSettings of(String method, double depth, FtOptions options) {
        return new FtlSettings(
                method,
                depth,
                options.layer(),
                options.role(),
                (float) options.learningRate(),
                options.steps(),
                (float) options.normConstraint(),
                options.batchSize(),
                options.scope().strip().equals("all"),
                options.shuffle(),
                options.endOfText());
    }

    /** The block to tune in {@code model}: {@link #layer}, or the block at {@link #depth} for -1. */
    int block(ModelHandle model) throws EditException {
        int layers = model.layers();
        if (layer >= layers) {
            throw Options.invalid(
                    method, "layer", layer, "-1 (the method's default block) or a block index below " + layers);
        }
        return layer == -1 ? Math.min(layers - 1, (int) Math.floor(depth * layers)) : layer;
    }

    /** The name of the tuned weight: that of the {@link #module} of {@code block} in {@code model}. */
    String weight(ModelHandle model, int block) throws EditException {
        String weight = model.module(block, module) + ".weight";
        boolean linear = model.parameterInfo(weight)
                .map(p -> p.layout() != WeightLayout.NONE)
                .orElse(false);
        if (!linear) {
            throw Options.invalid(
                    method,
                    "module",
                    module,
                    "a role whose module is linear, such as MLP_DOWN or MLP_UP (the model has" + " no linear weight "
                            + weight + ")");
        }
        return weight;
    }
}
