package io.editlab.harness.impl;

import io.editlab.api.eval.ItemScore;
import io.editlab.api.model.Completion;
import io.editlab.api.model.Generation;
import io.editlab.api.model.LanguageModel;
import io.editlab.api.model.TargetScore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scores completions on a model in every scoring mode, once each (a cache). */
final class Scorer {

    private final LanguageModel model;
    private final boolean generation;
    private final Map<Completion, ItemScore> cache = new HashMap<>();

    Scorer(LanguageModel model, boolean generation) {
        this.model = model;
        this.generation = generation;
    }

    /** The scores of {@code items}, computing only those not scored before. */
    List<ItemScore> score(List<Completion> items) {
        List<Completion> missing =
                items.stream().distinct().filter(c -> !cache.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            List<TargetScore> teacher = model.score(missing);
            Map<Completion, Generation> generated = generation ? generate(missing) : Map.of();
            for (int i = 0; i < missing.size(); i++) {
                cache.put(missing.get(i), new ItemScore(teacher.get(i), generated.get(missing.get(i))));
            }
        }
        return items.stream().map(cache::get).toList();
    }

    /** Greedy generations of as many tokens as each target has, one generate call per target length. */
    private Map<Completion, Generation> generate(List<Completion> items) {
        Map<Integer, List<Completion>> byLength = new LinkedHashMap<>();
        for (Completion item : items) {
            int length = model.tokenizer().encodeContinuation(item.target()).length;
            byLength.computeIfAbsent(length, n -> new ArrayList<>()).add(item);
        }
        Map<Completion, Generation> generated = new HashMap<>();
        byLength.forEach((length, group) -> {
            List<Generation> results =
                    model.generate(group.stream().map(Completion::prompt).toList(), length);
            for (int i = 0; i < group.size(); i++) {
                generated.put(group.get(i), results.get(i));
            }
        });
        return generated;
    }
}
