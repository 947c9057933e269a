package io.editlab.metric.edit.impl;

import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Completion;
import org.osgi.service.component.annotations.Component;

/** {@code reliability}: does the edited model answer each edit prompt with its new target? */
@EditlabMetric(ReliabilityMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class ReliabilityMetric implements Metric {

    static final String NAME_VALUE = "reliability";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        var items = context.edits().stream()
                .map(r -> new Completion(r.prompt(), r.target()))
                .toList();
        return Success.of(NAME_VALUE, context.score(items), context.scoresGeneration());
    }
}
