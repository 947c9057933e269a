package io.editlab.metric.cost.impl;

import io.editlab.api.edit.EditResult;
import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** {@code seconds_per_edit}: wall time of all apply calls so far divided by the edits they made. */
@EditlabMetric(SecondsPerEditMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class SecondsPerEditMetric implements Metric {

    static final String NAME_VALUE = "seconds_per_edit";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        return of(context.results());
    }

    static MetricResult of(List<EditResult> results) {
        long edits = results.stream().mapToLong(EditResult::edits).sum();
        double seconds = results.stream().mapToLong(EditResult::nanos).sum() / 1e9;
        return new MetricResult(NAME_VALUE, edits == 0 ? Double.NaN : seconds / edits, edits, Map.of("total", seconds));
    }
}
