package io.editlab.alphaedit.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditorState;
import io.editlab.keystats.KeyStatistics;
import io.editlab.locate.ClosedForms;
import io.editlab.locate.UpdateRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AlphaEdit's update at each edited layer ({@link ClosedForms#alphaEdit}): the null-space projector
 * of that layer's preserved keys, and the sum {@code K_p^T K_p} of the keys of every request edited so
 * far (read on the model after their edit), which is the rule's memory and state.
 */
final class AlphaEditRule implements UpdateRule {

    static final String PREVIOUS = "alphaedit.previous.";
    private static final NDIndex ALL = new NDIndex("...");

    private final List<NDArray> projectors = new ArrayList<>();
    private final List<NDArray> previous = new ArrayList<>();
    private final double l2;

    AlphaEditRule(List<KeyStatistics.Stats> stats, double threshold, double l2, NDManager manager) {
        for (KeyStatistics.Stats s : stats) {
            projectors.add(ClosedForms.nullSpaceProjector(s.secondMoment(), s.width(), threshold, manager));
            previous.add(manager.zeros(new Shape(s.width(), s.width()), DataType.FLOAT64));
        }
        this.l2 = l2;
    }

    @Override
    public NDArray update(int index, NDArray keys, NDArray residuals) {
        return ClosedForms.alphaEdit(keys, residuals, projectors.get(index), previous.get(index), l2);
    }

    @Override
    public boolean remembers() {
        return true;
    }

    @Override
    public void remember(int index, NDArray keys) {
        previous.get(index).addi(keys.transpose().matMul(keys));
    }

    @Override
    public Map<String, NDArray> state(NDManager into) {
        Map<String, NDArray> state = new LinkedHashMap<>();
        for (int i = 0; i < previous.size(); i++) {
            NDArray copy = into.zeros(previous.get(i).getShape(), DataType.FLOAT64);
            copy.addi(previous.get(i)); // the rule's manager is capped: copy into the caller's
            state.put(PREVIOUS + i, copy);
        }
        return state;
    }

    @Override
    public void restore(EditorState state) throws EditException {
        List<NDArray> saved = new ArrayList<>();
        for (int i = 0; i < previous.size(); i++) {
            saved.add(state.tensor(
                    AlphaEditMethod.ID, PREVIOUS + i, previous.get(i).getShape()));
        }
        for (int i = 0; i < previous.size(); i++) {
            try (NDArray value = saved.get(i).toType(DataType.FLOAT64, true)) {
                previous.get(i).set(ALL, value);
            }
        }
    }
}
