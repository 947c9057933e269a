package io.editlab.elder.impl;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import java.util.Map;

/**
 * An ELDER editor's options, one component per attribute of {@link ElderConfig} (see there; -1
 * means the preset's value), checked as far as they can be without a model; {@link
 * ElderSettings#resolve} resolves the preset and checks the rest against the model.
 */
public record ElderOptions(
        String preset,
        int firstLayer,
        int queryLayer,
        int layers,
        String module,
        int experts,
        int rank,
        double alpha,
        int topK,
        double guidance,
        int threshold,
        double learningRate,
        double routerLearningRate,
        int iterations,
        int stepSize,
        double gamma,
        boolean routerBias,
        long seed)
        implements EditOptions {

    public ElderOptions {
        Options.require(experts == -1 || experts >= 1, "experts", experts, "-1 (the preset's) or at least 1");
        Options.atLeast("rank", rank, 1);
        Options.positive("alpha", alpha);
        Options.require(guidance >= 0 && !Double.isInfinite(guidance), "guidance", guidance, "a finite number >= 0");
        Options.require(threshold >= -1, "threshold", threshold, "-1 (the preset's) or a distance >= 0");
        rate("learningRate", learningRate, false);
        rate("routerLearningRate", routerLearningRate, true);
        Options.atLeast("iterations", iterations, 1);
        Options.require(stepSize >= 0, "stepSize", stepSize, "0 (no schedule) or more");
        Options.require(gamma > 0 && gamma <= 1, "gamma", gamma, "in (0, 1]");
    }

    /** A learning rate: -1 for the preset's, else a positive number (or 0, frozen, where allowed). */
    private static void rate(String key, double value, boolean zeroAllowed) {
        Options.require(
                value == -1 || (value > 0 || zeroAllowed && value == 0) && !Double.isInfinite(value),
                key,
                value,
                "-1 (the preset's) or a number > 0" + (zeroAllowed ? " (0: frozen)" : ""));
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
