package io.editlab.metric.edit.impl;

import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Completion;
import org.osgi.service.component.annotations.Component;

/** {@code portability}: does it answer the consequences of each edit (its portability probes)? NaN without probes. */
@EditlabMetric(PortabilityMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class PortabilityMetric implements Metric {

    static final String NAME_VALUE = "portability";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        var items = context.edits().stream()
                .flatMap(r -> r.portability().stream().map(p -> new Completion(p.prompt(), p.answer())))
                .toList();
        return Success.of(NAME_VALUE, context.score(items), context.scoresGeneration());
    }
}
