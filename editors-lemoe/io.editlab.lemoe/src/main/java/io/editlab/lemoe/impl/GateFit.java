package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import java.util.Arrays;

/**
 * What a trained expert's gate tests (ours; README, 'Ours'): with the score gate, a threshold just
 * below the lowest score of its edit prompts (and how many negatives still reach it); with the
 * anchor gate, a radius around each edit prompt's instance embedding, a fraction of the distance to
 * its nearest negative.
 *
 * @param threshold the score threshold (negative infinity without the score gate)
 * @param leak score gate: the fraction of negatives whose score reaches the threshold, else NaN
 * @param radii each edit prompt's radius (infinite without negatives)
 */
record GateFit(float threshold, double leak, float[] radii) {

    /**
     * Fits {@code fresh}'s gate on its edit prompts {@code positive} and the {@code negative} ones
     * (or {@code null}) and sets it on the expert.
     *
     * @throws EditException when the score threshold is not finite
     */
    static GateFit fit(NDManager scratch, ExpertBank bank, Expert fresh, int index, NDArray positive, NDArray negative)
            throws EditException {
        LemoeSettings settings = bank.settings();
        Projection projection = bank.projectionOf(fresh);
        float threshold = Float.NEGATIVE_INFINITY;
        double leak = Double.NaN;
        float[] radii = new float[Math.toIntExact(positive.getShape().get(0))];
        if (settings.gate() == LemoeSettings.Gate.SCORE) {
            float lowest = Float.POSITIVE_INFINITY;
            for (float s : AnchorRouting.score(positive, fresh, projection).toFloatArray()) {
                lowest = Math.min(lowest, s);
            }
            threshold = lowest - settings.gateMargin();
            if (!Float.isFinite(threshold)) {
                throw new EditException(LemoeSettings.METHOD + ": expert " + index + " ended with a score threshold"
                        + " of " + threshold);
            }
        }
        Arrays.fill(radii, Float.POSITIVE_INFINITY);
        if (negative != null) {
            if (settings.gate() == LemoeSettings.Gate.SCORE) {
                float[] negativeScores =
                        AnchorRouting.score(negative, fresh, projection).toFloatArray();
                int above = 0;
                for (float s : negativeScores) {
                    above += s >= threshold ? 1 : 0;
                }
                leak = above / (double) negativeScores.length;
            }
            float[] nearest = AnchorRouting.squaredDistances(
                            positive, negative.transpose(), negative.square().sum(new int[] {1}))
                    .min(new int[] {1})
                    .sqrt()
                    .toFloatArray();
            for (int j = 0; j < radii.length; j++) {
                radii[j] = nearest[j] * settings.gateRadius();
            }
        }
        fresh.setGate(threshold, positive.duplicate(), radii);
        return new GateFit(threshold, leak, radii);
    }
}
