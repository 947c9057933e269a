package io.editlab.ftl.impl;

import io.editlab.api.edit.EditOptions;
import io.editlab.api.model.ModuleRole;
import io.editlab.editkit.Options;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The options of a fine-tuning editor ({@code ft-l} or {@code ft}), one component per attribute of
 * {@link FtlConfig} and {@link FtConfig} (which declare the same attributes with different
 * defaults), checked as far as they can be without a model.
 */
public record FtOptions(
        int layer,
        String module,
        double learningRate,
        int steps,
        double normConstraint,
        int batchSize,
        String scope,
        boolean shuffle,
        boolean endOfText)
        implements EditOptions {

    public FtOptions {
        Options.require(layer >= -1, "layer", layer, "-1 (the method's default block) or a block index");
        Options.require(role(module).isPresent(), "module", module, "a module role such as MLP_DOWN or MLP_UP");
        float rate = (float) learningRate;
        Options.require(rate > 0 && !Float.isInfinite(rate), "learningRate", learningRate, "a positive finite number");
        Options.atLeast("steps", steps, 1);
        Options.require(
                (float) normConstraint > 0,
                "normConstraint",
                normConstraint,
                "a positive number (Infinity for no constraint)");
        Options.atLeast("batchSize", batchSize, 1);
        Options.require(
                scope.strip().equals("batch") || scope.strip().equals("all"),
                "scope",
                scope.strip(),
                "batch (each call's own requests) or all (every edit so far)");
    }

    /** The module role named by {@link #module}, in any case. */
    ModuleRole role() {
        return role(module).orElseThrow();
    }

    private static Optional<ModuleRole> role(String name) {
        return Arrays.stream(ModuleRole.values())
                .filter(role -> role.name().equals(name.strip().toUpperCase(Locale.ROOT)))
                .findFirst();
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
