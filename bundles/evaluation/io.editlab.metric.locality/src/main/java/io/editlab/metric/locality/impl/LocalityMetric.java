package io.editlab.metric.locality.impl;

import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.ItemScore;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Completion;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code locality}: on prompts unrelated to the edits ({@link EvaluationContext#unrelatedProbes()}),
 * does the edited model still predict what the
 * unedited model predicted? Compared with the unedited model's own argmax tokens at the answer
 * positions (EasyEdit/WISE protocol), not with the reference answers.
 */
@EditlabMetric(LocalityMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class LocalityMetric implements Metric {

    static final String NAME_VALUE = "locality";

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        List<Completion> probes = context.unrelatedProbes();
        return agreement(context.scoreBase(probes), context.score(probes), context.scoresGeneration());
    }

    /**
     * The value is the fraction of probes whose every answer-position prediction is unchanged; details
     * give the fraction of unchanged positions ({@code token_acc}) and of unchanged generations.
     */
    static MetricResult agreement(List<ItemScore> base, List<ItemScore> edited, boolean generation) {
        if (base.size() != edited.size()) {
            throw new IllegalArgumentException("base and edited scores differ in number");
        }
        if (base.isEmpty()) {
            return new MetricResult(NAME_VALUE, Double.NaN, 0, Map.of());
        }
        double exact = 0;
        double tokens = 0;
        double generations = 0;
        for (int i = 0; i < base.size(); i++) {
            int[] before = base.get(i).teacherForced().predictedIds();
            int[] after = edited.get(i).teacherForced().predictedIds();
            int same = 0;
            for (int j = 0; j < before.length; j++) {
                same += before[j] == after[j] ? 1 : 0;
            }
            tokens += same / (double) before.length;
            exact += same == before.length ? 1 : 0;
            if (generation) {
                generations += Arrays.equals(
                                base.get(i).generation().tokens(),
                                edited.get(i).generation().tokens())
                        ? 1
                        : 0;
            }
        }
        Map<String, Double> details = new LinkedHashMap<>();
        details.put("token_acc", tokens / base.size());
        if (generation) {
            details.put("gen_em", generations / base.size());
        }
        return new MetricResult(NAME_VALUE, exact / base.size(), base.size(), details);
    }
}
