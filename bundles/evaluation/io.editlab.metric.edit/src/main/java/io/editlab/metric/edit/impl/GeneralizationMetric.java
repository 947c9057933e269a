package io.editlab.metric.edit.impl;

import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Completion;
import org.osgi.service.component.annotations.Component;

/** {@code generalization}: does it answer the rephrasings of each edit prompt with the new target? */
@EditlabMetric(GeneralizationMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class GeneralizationMetric implements Metric {

    static final String NAME_VALUE = "generalization";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        var items = context.edits().stream()
                .flatMap(r -> r.rephrases().stream().map(p -> new Completion(p, r.target())))
                .toList();
        return Success.of(NAME_VALUE, context.score(items), context.scoresGeneration());
    }
}
