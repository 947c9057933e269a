package io.editlab.api.eval;

import org.osgi.annotation.versioning.ConsumerType;

/** One evaluation metric. */
@ConsumerType
public interface Metric {

    /** Service property: the metric's id, e.g. {@code reliability}, {@code locality}. */
    String NAME = "editlab.metric";

    /**
     * Scores the edited session of {@code context}.
     *
     * @throws IllegalArgumentException when the context lacks what the metric needs
     */
    MetricResult evaluate(EvaluationContext context);
}
