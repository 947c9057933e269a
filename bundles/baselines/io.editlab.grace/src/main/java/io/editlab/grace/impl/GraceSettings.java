package io.editlab.grace.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import io.editlab.editkit.Options;
import java.util.Arrays;
import java.util.Optional;

/**
 * One editor's validated configuration, resolved against its model.
 *
 * @param layer the block index (never -1)
 * @param module the wrapped module's name in this model
 * @param keyWidth the module's input width
 * @param valueWidth the module's output width
 * @param epsilon initial deferral radius
 * @param learningRate Adam's learning rate on a value
 * @param steps Adam iterations per edit
 * @param replacement which positions get a value
 * @param expandOnSameLabel whether a near key with the same label grows an entry instead of adding one
 */
record GraceSettings(
        int layer,
        String module,
        int keyWidth,
        int valueWidth,
        double epsilon,
        double learningRate,
        int steps,
        Replacement replacement,
        boolean expandOnSameLabel) {

    static final String METHOD = "grace";

    /**
     * Resolves {@code options} for {@code model}.
     *
     * @throws EditException naming the option whose value does not fit the model
     */
    static GraceSettings resolve(GraceOptions options, ModelHandle model) throws EditException {
        int layer = options.layer();
        if (layer < -1 || layer >= model.layers()) {
            throw Options.invalid(
                    METHOD,
                    "layer",
                    layer,
                    "-1 (two thirds of the depth) or a block index from 0 to " + (model.layers() - 1));
        }
        int block = layer == -1 ? model.layers() * 2 / 3 : layer;
        String roleName = options.module();
        ModuleRole role = role(roleName)
                .filter(r -> linearWeight(model, block, r).isPresent())
                .orElseThrow(() -> Options.invalid(
                        METHOD,
                        "module",
                        roleName,
                        "the role of a linear module, one of " + linearRoles(model, block)));
        ParameterInfo weight = linearWeight(model, block, role).orElseThrow();
        long in = weight.layout() == WeightLayout.IN_OUT
                ? weight.shape().get(0)
                : weight.shape().get(1);
        long out = weight.layout() == WeightLayout.IN_OUT
                ? weight.shape().get(1)
                : weight.shape().get(0);
        return new GraceSettings(
                block,
                model.module(block, role),
                Math.toIntExact(in),
                Math.toIntExact(out),
                options.epsilon(),
                options.learningRate(),
                options.steps(),
                Replacement.parse(options.replacement()).orElseThrow(),
                options.expandOnSameLabel());
    }

    /** The role named {@code name}, in any case. */
    private static Optional<ModuleRole> role(String name) {
        return Arrays.stream(ModuleRole.values())
                .filter(r -> r.name().equalsIgnoreCase(name.strip()))
                .findFirst();
    }

    /** The weight of the module with {@code role} in {@code block}, when that module is linear. */
    private static Optional<ParameterInfo> linearWeight(ModelHandle model, int block, ModuleRole role) {
        return model.parameterInfo(model.module(block, role) + ".weight")
                .filter(p -> p.layout() != WeightLayout.NONE && p.shape().dimension() == 2);
    }

    private static String linearRoles(ModelHandle model, int block) {
        return Arrays.stream(ModuleRole.values())
                .filter(r -> linearWeight(model, block, r).isPresent())
                .map(ModuleRole::name)
                .toList()
                .toString();
    }
}
