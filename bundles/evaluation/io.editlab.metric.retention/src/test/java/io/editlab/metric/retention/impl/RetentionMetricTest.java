package io.editlab.metric.retention.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.eval.ItemScore;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.TargetScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionMetricTest {

    static ItemScore right(boolean right) {
        return new ItemScore(new TargetScore(new int[] {1}, new int[] {right ? 1 : 2}, new float[1]), null);
    }

    @Test
    void earlierEditsAreThoseBeforeTheLatestBatch() {
        List<EditRequest> edits = List.of(
                EditRequest.of("a", "p", "t"),
                EditRequest.of("b", "p", "t"),
                EditRequest.of("c", "p", "t"),
                EditRequest.of("d", "p", "t"));
        assertEquals(
                List.of("a", "b"),
                RetentionMetric.earlierEdits(edits, 2).stream()
                        .map(EditRequest::id)
                        .toList());
        assertEquals(List.of(), RetentionMetric.earlierEdits(edits, 4));
    }

    @Test
    void retentionRatesOnAKnownCase() {
        MetricResult result = RetentionMetric.retention(
                List.of(right(true), right(false), right(false), right(true)),
                List.of(right(true), right(false)),
                List.of(right(true), right(true)));
        assertEquals(0.5, result.value(), 1e-12);
        assertEquals(4, result.samples());
        assertEquals(0.5, result.details().get("trr"), 1e-12);
        assertEquals(1.0, result.details().get("trr_base"), 1e-12);
    }

    @Test
    void beforeASecondBatchThereIsNothingToRetain() {
        assertEquals(
                Double.NaN,
                RetentionMetric.retention(List.of(), List.of(), List.of()).value());
    }
}
