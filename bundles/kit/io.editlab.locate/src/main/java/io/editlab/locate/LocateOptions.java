package io.editlab.locate;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import java.util.Map;

/**
 * The options every locate-then-edit method shares (README, "Settings every method shares"), one
 * component per shared attribute of the method's configuration; -1 and empty values mean the
 * preset's. A method with options of its own keeps this record as a component of its own options
 * record ({@link Options} reads it in place); {@link LocateSettings#resolve} resolves it against the
 * model and the presets.
 */
public record LocateOptions(
        String preset,
        String layers,
        String keyPosition,
        int steps,
        double learningRate,
        double clampNormFactor,
        double klFactor,
        double weightDecay,
        int prefixes,
        int prefixTokens,
        String corpus,
        String cache)
        implements EditOptions {

    public LocateOptions {
        Options.require(
                keyPosition.strip().equalsIgnoreCase("auto")
                        || KeyPosition.parse(keyPosition).isPresent(),
                "keyPosition",
                keyPosition,
                "auto (the preset's), " + KeyPosition.SUBJECT_LAST.id() + " or " + KeyPosition.LAST.id());
        Options.require(steps == -1 || steps >= 1, "steps", steps, "-1 (the preset's) or at least 1");
        orPreset("learningRate", learningRate, false);
        orPreset("clampNormFactor", clampNormFactor, false);
        orPreset("klFactor", klFactor, true);
        orPreset("weightDecay", weightDecay, true);
        Options.require(
                prefixes >= -1 && prefixes <= Prefixes.MAX,
                "prefixes",
                prefixes,
                "-1 (the preset's) or from 0 to " + Prefixes.MAX);
        Options.atLeast("prefixTokens", prefixTokens, 1);
        Options.require(
                !corpus.isBlank(),
                "corpus",
                corpus.strip(),
                "a knowledge corpus's name (builtin) or a plain-text file");
    }

    /**
     * Checks a number that is -1 for the preset's, else positive and finite ({@code zeroAllowed}: or
     * zero): for the shared options and a method's own.
     */
    public static void orPreset(String key, double value, boolean zeroAllowed) {
        Options.require(
                value == -1 || (zeroAllowed ? value >= 0 : value > 0) && !Double.isInfinite(value),
                key,
                value,
                "-1 (the preset's) or a " + (zeroAllowed ? "non-negative" : "positive") + " finite number");
    }

    /** {@code value}, or {@code preset} when it is -1. */
    public static double orPreset(double value, double preset) {
        return value == -1 ? preset : value;
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
