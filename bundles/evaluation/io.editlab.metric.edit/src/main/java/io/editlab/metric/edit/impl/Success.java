package io.editlab.metric.edit.impl;

import io.editlab.api.eval.ItemScore;
import io.editlab.api.eval.MetricResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Success on a set of prompts with their targets, in every scoring mode. */
final class Success {

    private Success() {}

    /**
     * The value is the teacher-forced exact-match rate; details add the token accuracy and, when
     * generation was scored, the generation exact-match rate. No items give NaN.
     */
    static MetricResult of(String metric, List<ItemScore> scores, boolean generation) {
        if (scores.isEmpty()) {
            return new MetricResult(metric, Double.NaN, 0, Map.of());
        }
        Map<String, Double> details = new LinkedHashMap<>();
        details.put(
                "token_acc",
                scores.stream().mapToDouble(ItemScore::tokenAccuracy).average().orElseThrow());
        if (generation) {
            details.put(
                    "gen_em",
                    scores.stream()
                            .mapToDouble(s -> s.generationMatch() ? 1 : 0)
                            .average()
                            .orElseThrow());
        }
        double exact = scores.stream()
                .mapToDouble(s -> s.exactMatch() ? 1 : 0)
                .average()
                .orElseThrow();
        return new MetricResult(metric, exact, scores.size(), details);
    }
}
