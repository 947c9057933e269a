package io.editlab.lemoe.impl;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A LEMoE editor's options, one component per attribute of {@link LemoeConfig} (see there),
 * checked as far as they can be without a model; {@link LemoeSettings#resolve} resolves the rest
 * (-1 widths, the block, the expert form {@code auto}) against the model.
 */
public record LemoeOptions(
        int layer,
        int expertWidth,
        String expertForm,
        int projectionWidth,
        String projection,
        double keyInit,
        int topK,
        double lambda,
        double learningRate,
        double weightDecay,
        int epochs,
        int miniBatch,
        double stopLoss,
        double anchorLoss,
        int routerSteps,
        int anchorSample,
        String gate,
        double gateMargin,
        double gateRadius,
        double gateLoss,
        int negatives,
        long seed)
        implements EditOptions {

    public LemoeOptions {
        Options.require(
                expertWidth == -1 || expertWidth >= 1,
                "expertWidth",
                expertWidth,
                "-1 (the host's inner width, at most 1024) or at least 1");
        Options.require(
                List.of("auto", "gelu", "gated-silu").contains(lower(expertForm)),
                "expertForm",
                lower(expertForm),
                "auto, gelu or gated-silu");
        Options.require(
                projectionWidth == -1 || projectionWidth >= 1,
                "projectionWidth",
                projectionWidth,
                "-1 (d / 4) or at least 1");
        Options.require(
                List.of("per-expert", "shared-trainable").contains(lower(projection)),
                "projection",
                lower(projection),
                "per-expert or shared-trainable");
        nonNegative("keyInit", keyInit);
        Options.atLeast("topK", topK, 1);
        Options.positive("lambda", lambda);
        Options.positive("learningRate", learningRate);
        nonNegative("weightDecay", weightDecay);
        Options.atLeast("epochs", epochs, 1);
        Options.atLeast("miniBatch", miniBatch, 1);
        nonNegative("stopLoss", stopLoss);
        nonNegative("anchorLoss", anchorLoss);
        Options.atLeast("routerSteps", routerSteps, 0);
        Options.atLeast("anchorSample", anchorSample, 0);
        Options.require(
                List.of("none", "score", "anchor").contains(lower(gate)), "gate", lower(gate), "none, score or anchor");
        nonNegative("gateMargin", gateMargin);
        Options.positive("gateRadius", gateRadius);
        nonNegative("gateLoss", gateLoss);
        Options.atLeast("negatives", negatives, 0);
    }

    /** {@code text} stripped, in lower case: how choices are compared. */
    static String lower(String text) {
        return text.strip().toLowerCase(Locale.ROOT);
    }

    private static void nonNegative(String key, double value) {
        Options.require(value >= 0 && !Double.isInfinite(value), key, value, "a finite number >= 0");
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
