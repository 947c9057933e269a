package io.editlab.metric.fluency.impl;

import io.editlab.api.eval.EditlabMetric;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.model.Generation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/**
 * {@code fluency} as ROME and EasyEdit measure it: greedy generations from the edit prompts, split
 * into words, scored by the weighted n-gram entropy {@code (2/3 H2 + 4/3 H3) / 2} in bits, averaged
 * over texts. Repetitive (degenerate) text scores low. The detail {@code base} is the same for the
 * unedited model.
 */
@EditlabMetric(FluencyMetric.NAME_VALUE)
@Component(service = Metric.class)
public final class FluencyMetric implements Metric {

    static final String NAME_VALUE = "fluency";
    static final int TOKENS = 40;
    static final int PROMPTS = 50;
    private static final Pattern WORDS = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    @Override
    public MetricResult evaluate(EvaluationContext context) {
        List<String> prompts =
                context.edits().stream().limit(PROMPTS).map(r -> r.prompt()).toList();
        if (prompts.isEmpty()) {
            return new MetricResult(NAME_VALUE, Double.NaN, 0, Map.of());
        }
        double edited = fluency(context.edited().generate(prompts, TOKENS));
        double base = fluency(context.base().generate(prompts, TOKENS));
        return new MetricResult(NAME_VALUE, edited, prompts.size(), Map.of("base", base));
    }

    static double fluency(List<Generation> generations) {
        return generations.stream()
                .mapToDouble(g -> weightedEntropy(g.text()))
                .average()
                .orElse(Double.NaN);
    }

    /** {@code (2/3 H2 + 4/3 H3) / 2} of a text's words. */
    static double weightedEntropy(String text) {
        List<String> words = words(text);
        return (2.0 / 3 * entropy(words, 2) + 4.0 / 3 * entropy(words, 3)) / 2;
    }

    /** Shannon entropy in bits of the frequencies of the text's n-grams; 0 when there are none. */
    static double entropy(List<String> words, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= words.size(); i++) {
            counts.merge(words.subList(i, i + n), 1, Integer::sum);
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        double entropy = 0;
        for (int count : counts.values()) {
            double p = count / (double) total;
            entropy -= p * Math.log(p) / Math.log(2);
        }
        return entropy;
    }

    static List<String> words(String text) {
        Matcher matcher = WORDS.matcher(text);
        List<String> words = new java.util.ArrayList<>();
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }
}
