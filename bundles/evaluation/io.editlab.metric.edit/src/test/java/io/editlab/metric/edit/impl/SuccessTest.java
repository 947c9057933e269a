package io.editlab.metric.edit.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.editlab.api.eval.ItemScore;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Generation;
import io.editlab.api.model.TargetScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuccessTest {

    static ItemScore score(int[] target, int[] predicted, int[] generated) {
        return new ItemScore(
                new TargetScore(target, predicted, new float[target.length]),
                generated == null ? null : new Generation("p", generated, "t"));
    }

    @Test
    void exactMatchTokenAccuracyAndGenerationOnAKnownCase() {
        List<ItemScore> scores = List.of(
                score(new int[] {1, 2}, new int[] {1, 2}, new int[] {1, 2}), // right
                score(new int[] {3, 4}, new int[] {3, 9}, new int[] {3, 4}), // half right; generation right
                score(new int[] {5}, new int[] {6}, new int[] {6})); // wrong
        MetricResult result = Success.of("reliability", scores, true);
        assertEquals(1 / 3.0, result.value(), 1e-12);
        assertEquals(0.5, result.details().get("token_acc"), 1e-12);
        assertEquals(2 / 3.0, result.details().get("gen_em"), 1e-12);
        assertEquals(3, result.samples());
    }

    @Test
    void nothingToScoreIsNotANumber() {
        MetricResult result = Success.of("portability", List.of(), false);
        assertEquals(Double.NaN, result.value());
        assertEquals(0, result.samples());
    }

    @Test
    void withoutGenerationThereIsNoGenerationDetail() {
        MetricResult result = Success.of("generalization", List.of(score(new int[] {1}, new int[] {1}, null)), false);
        assertEquals(1.0, result.value());
        assertEquals(false, result.details().containsKey("gen_em"));
    }
}
