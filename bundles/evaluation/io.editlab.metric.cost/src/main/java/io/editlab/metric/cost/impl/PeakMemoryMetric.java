package io.editlab.metric.cost.impl;

import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/** {@code peak_memory_bytes}: the most memory the process used while the session was edited (NaN if unknown). */
@EditlabMetric(PeakMemoryMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class PeakMemoryMetric implements Metric {

    static final String NAME_VALUE = "peak_memory_bytes";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        long bytes = context.peakMemoryBytes();
        return new MetricResult(NAME_VALUE, bytes < 0 ? Double.NaN : bytes, 1, Map.of());
    }
}
