package io.editlab.metric.locality.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.editlab.api.eval.ItemScore;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Generation;
import io.editlab.api.model.TargetScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalityMetricTest {

    /** The reference answer is irrelevant to locality: only the two models' predictions are compared. */
    static ItemScore predicted(int[] ids, int[] generated) {
        return new ItemScore(
                new TargetScore(new int[ids.length], ids, new float[ids.length]), new Generation("p", generated, "t"));
    }

    @Test
    void comparesTheEditedModelWithTheUneditedOne() {
        List<ItemScore> base =
                List.of(predicted(new int[] {5, 6}, new int[] {5, 6}), predicted(new int[] {7}, new int[] {7}));
        List<ItemScore> edited =
                List.of(predicted(new int[] {5, 8}, new int[] {5, 6}), predicted(new int[] {7}, new int[] {2}));
        MetricResult result = LocalityMetric.agreement(base, edited, true);
        assertEquals(0.5, result.value(), 1e-12, "one of two probes fully unchanged");
        assertEquals(0.75, result.details().get("token_acc"), 1e-12, "(1/2 + 1) / 2 positions unchanged");
        assertEquals(0.5, result.details().get("gen_em"), 1e-12);
    }

    @Test
    void anUnchangedModelHasPerfectLocalityEvenWhenItIsWrong() {
        List<ItemScore> scores = List.of(predicted(new int[] {1, 2, 3}, new int[] {1}));
        assertEquals(1.0, LocalityMetric.agreement(scores, scores, false).value());
    }

    @Test
    void noProbesIsNotANumberAndMismatchedListsAreAnError() {
        assertEquals(
                Double.NaN,
                LocalityMetric.agreement(List.of(), List.of(), false).value());
        assertThrows(
                IllegalArgumentException.class,
                () -> LocalityMetric.agreement(List.of(predicted(new int[] {1}, new int[] {1})), List.of(), false));
    }
}
