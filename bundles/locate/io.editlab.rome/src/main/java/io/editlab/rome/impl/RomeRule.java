package io.editlab.rome.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.editlab.keystats.KeyStatistics;
import io.editlab.locate.ClosedForms;
import io.editlab.locate.UpdateRule;

/**
 * ROME's update: {@link ClosedForms#rome} for one request at a time, with the inverse of the edited
 * layer's key second moment (computed once).
 */
final class RomeRule implements UpdateRule {

    private final NDArray inverseMoment;

    RomeRule(KeyStatistics.Stats stats, NDManager manager) {
        try (NDArray moment = manager.create(stats.secondMoment(), new Shape(stats.width(), stats.width()))) {
            this.inverseMoment = moment.inverse();
        }
    }

    @Override
    public NDArray update(int index, NDArray keys, NDArray residuals) {
        return ClosedForms.rome(keys.get(new NDIndex(0)), residuals.get(new NDIndex(0)), inverseMoment);
    }

    @Override
    public boolean oneAtATime() {
        return true;
    }
}
