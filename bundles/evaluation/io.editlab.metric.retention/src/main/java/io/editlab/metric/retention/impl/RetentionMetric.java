package io.editlab.metric.retention.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.ItemScore;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Completion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code retention}, after MELO: the edit retention rate (ERR) is the teacher-forced exact-match
 * rate on the edits made before the latest batch, so it falls when later edits overwrite earlier
 * ones; the detail {@code trr} (test retention rate) is the exact-match rate against the reference
 * answers of the unrelated probes, with {@code trr_base} the same for the unedited model.
 */
@EditlabMetric(RetentionMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class RetentionMetric implements Metric {

    static final String NAME_VALUE = "retention";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        List<EditRequest> earlier = earlierEdits(
                context.edits(),
                context.results().isEmpty()
                        ? 0
                        : context.results().get(context.results().size() - 1).edits());
        List<Completion> recalled = earlier.stream()
                .map(r -> new Completion(r.prompt(), r.target()))
                .toList();
        List<Completion> upstream = context.unrelatedProbes();
        return retention(context.score(recalled), context.score(upstream), context.scoreBase(upstream));
    }

    /** The edits applied before the latest batch of {@code lastBatch} edits. */
    static List<EditRequest> earlierEdits(List<EditRequest> edits, int lastBatch) {
        return edits.subList(0, Math.max(0, edits.size() - lastBatch));
    }

    static MetricResult retention(List<ItemScore> earlier, List<ItemScore> upstream, List<ItemScore> upstreamBase) {
        Map<String, Double> details = new LinkedHashMap<>();
        if (!upstream.isEmpty()) {
            details.put("trr", rate(upstream));
            details.put("trr_base", rate(upstreamBase));
        }
        double err = earlier.isEmpty() ? Double.NaN : rate(earlier);
        return new MetricResult(NAME_VALUE, err, earlier.size(), details);
    }

    private static double rate(List<ItemScore> scores) {
        return scores.stream()
                .mapToDouble(s -> s.exactMatch() ? 1 : 0)
                .average()
                .orElse(Double.NaN);
    }
}
