package io.editlab.api.model;

import java.util.Arrays;

/**
 * How a model does on one {@link Completion} under teacher forcing.
 *
 * @param targetIds the target's token ids
 * @param predictedIds the argmax token at each position that predicts a target token
 * @param logProbs the log-probability of each target token
 */
public record TargetScore(int[] targetIds, int[] predictedIds, float[] logProbs) {
    public TargetScore {
        if (targetIds.length != predictedIds.length || targetIds.length != logProbs.length) {
            throw new IllegalArgumentException("targetIds, predictedIds and logProbs must have one entry per token");
        }
        targetIds = targetIds.clone();
        predictedIds = predictedIds.clone();
        logProbs = logProbs.clone();
    }

    /** Fraction of target tokens predicted correctly. */
    public double tokenAccuracy() {
        if (targetIds.length == 0) {
            return Double.NaN;
        }
        int right = 0;
        for (int i = 0; i < targetIds.length; i++) {
            right += targetIds[i] == predictedIds[i] ? 1 : 0;
        }
        return right / (double) targetIds.length;
    }

    /** Whether every target token is predicted correctly. */
    public boolean exactMatch() {
        return targetIds.length > 0 && Arrays.equals(targetIds, predictedIds);
    }

    /** Mean log-probability per target token. */
    public double meanLogProb() {
        double sum = 0;
        for (float p : logProbs) {
            sum += p;
        }
        return targetIds.length == 0 ? Double.NaN : sum / targetIds.length;
    }

    @Override
    public int[] targetIds() {
        return targetIds.clone();
    }

    @Override
    public int[] predictedIds() {
        return predictedIds.clone();
    }

    @Override
    public float[] logProbs() {
        return logProbs.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TargetScore s
                && Arrays.equals(targetIds, s.targetIds)
                && Arrays.equals(predictedIds, s.predictedIds)
                && Arrays.equals(logProbs, s.logProbs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(targetIds) + Arrays.hashCode(predictedIds)) + Arrays.hashCode(logProbs);
    }

    @Override
    public String toString() {
        return "TargetScore" + Arrays.toString(targetIds) + "->" + Arrays.toString(predictedIds);
    }
}
