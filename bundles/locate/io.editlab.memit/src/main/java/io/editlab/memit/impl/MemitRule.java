package io.editlab.memit.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.keystats.KeyStatistics;
import io.editlab.locate.ClosedForms;
import io.editlab.locate.UpdateRule;
import java.util.List;

/** MEMIT's update at each edited layer: {@link ClosedForms#memit} with that layer's key statistics. */
final class MemitRule implements UpdateRule {

    private final List<NDArray> moments;
    private final double weight;

    MemitRule(List<KeyStatistics.Stats> stats, double weight, NDManager manager) {
        this.moments = stats.stream()
                .map(s -> manager.create(s.secondMoment(), new Shape(s.width(), s.width())))
                .toList();
        this.weight = weight;
    }

    @Override
    public NDArray update(int index, NDArray keys, NDArray residuals) {
        return ClosedForms.memit(keys, residuals, moments.get(index), weight);
    }
}
