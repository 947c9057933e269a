package io.editlab.metric.edit.impl;

import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Completion;
import org.osgi.service.component.annotations.Component;

/** {@code generalization}: does it answer the rephrasings of each edit prompt with the new target? */
@Component(service = Metric.class, property = Metric.NAME + "=" + GeneralizationMetric.NAME_VALUE)
public final class GeneralizationMetric implements Metric {

    static final String NAME_VALUE = "generalization";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        var items = context.edits().stream()
                .flatMap(r -> r.rephrases().stream().map(p -> new Completion(p, r.target()))).toList();
        return Success.of(NAME_VALUE, context.score(items), context.scoresGeneration());
    }
}
