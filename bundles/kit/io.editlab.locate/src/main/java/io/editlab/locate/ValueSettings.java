package io.editlab.locate;

/**
 * How target values are optimised (ROME's and MEMIT's {@code v_*} hyper-parameters).
 *
 * @param steps iterations; the last one only measures (at most {@code steps - 1} Adam steps)
 * @param learningRate Adam's learning rate on the added vector
 * @param clampNormFactor the added vector's norm is kept at most this times the norm of the hidden
 *     state it is added to
 * @param klFactor weight of the KL term that keeps "{subject} is a" predicting what it did
 * @param weightDecay weight of the term {@code |delta| / |h|^2}
 */
public record ValueSettings(
        int steps, double learningRate, double clampNormFactor, double klFactor, double weightDecay) {

    public ValueSettings {
        if (steps < 1 || !(learningRate > 0) || !(clampNormFactor > 0) || !(klFactor >= 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "need steps >= 1, learningRate > 0, clampNormFactor > 0, klFactor >= 0" + " and weightDecay >= 0");
        }
    }
}
