package io.editlab.grace.impl;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import java.util.Arrays;
import java.util.Map;

/**
 * A GRACE editor's options, one component per attribute of {@link GraceConfig} (see there), checked
 * as far as they can be without a model; {@link GraceSettings#resolve} checks the rest against it.
 */
public record GraceOptions(
        int layer,
        String module,
        double epsilon,
        double learningRate,
        int steps,
        String replacement,
        boolean expandOnSameLabel)
        implements EditOptions {

    public GraceOptions {
        Options.require(epsilon > 0 && !Double.isInfinite(epsilon), "epsilon", epsilon, "a positive finite distance");
        Options.positive("learningRate", learningRate);
        Options.atLeast("steps", steps, 1);
        Options.require(
                Replacement.parse(replacement).isPresent(),
                "replacement",
                replacement,
                "one of "
                        + Arrays.stream(Replacement.values())
                                .map(Replacement::id)
                                .toList());
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
