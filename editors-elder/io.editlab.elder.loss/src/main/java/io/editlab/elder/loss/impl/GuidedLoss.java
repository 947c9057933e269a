package io.editlab.elder.loss.impl;

import ai.djl.ndarray.NDArray;
import io.editlab.api.loss.EditlabLoss;
import io.editlab.api.loss.Loss;
import org.osgi.service.component.annotations.Component;

/**
 * ELDER's guided loss (this bundle's README): for each edit {@code b} of a batch, the negative log router
 * probability of every (layer, LoRA) pair in its preset allocation, summed over layers and pairs,
 * then averaged over the batch: {@code (1/B) sum_b sum_l sum_{e in A_lb} -log P_lbe}. The editor
 * weighs it (lambda = 0.01 in the paper) and adds it to the language-model loss.
 *
 * <p>{@code prediction}: router probabilities {@code [batch, layers, experts]} (or {@code [batch,
 * experts]} for one layer); {@code target}: the preset allocation of the same shape, 1 for the
 * allocated experts and 0 elsewhere.
 */
@EditlabLoss(GuidedLoss.NAME_VALUE)
@Component(service = Loss.class)
public final class GuidedLoss implements Loss {

    static final String NAME_VALUE = "elder-guided";

    /** Probabilities are clipped here before the log, so an underflow cannot turn 0 x -inf into NaN. */
    static final float FLOOR = 1e-12f;

    @Override
    public NDArray compute(NDArray prediction, NDArray target) {
        if (!prediction.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException(
                    "prediction " + prediction.getShape() + " and target " + target.getShape() + " differ in shape");
        }
        if (prediction.getShape().dimension() < 2) {
            throw new IllegalArgumentException(
                    "prediction must be [batch, experts] or [batch, layers, experts], not " + prediction.getShape());
        }
        long batch = prediction.getShape().get(0);
        NDArray logP = prediction.clip(FLOOR, 1f).log();
        return logP.mul(target).sum().div(-batch);
    }
}
