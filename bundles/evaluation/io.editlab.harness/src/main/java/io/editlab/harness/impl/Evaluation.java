package io.editlab.harness.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.eval.EvaluationContext;
import io.editlab.api.eval.ItemScore;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One evaluation point of one editor: what its metrics see. */
final class Evaluation implements EvaluationContext {

    private final ModelHandle base;
    private final EditSession edited;
    private final List<EditRequest> edits;
    private final Set<String> editedPrompts;
    private final List<EditResult> results;
    private final boolean generation;
    private final Scorer editedScores;
    private final Scorer baseScores;
    private final long peakMemory;

    /**
     * @param editedPrompts the prompts and rephrasings of every request applied so far (null: those of
     *     {@code edits}), whose locality probes are not unrelated
     * @param baseScores the run's cache of the unedited model's scores, shared by every editor
     */
    Evaluation(
            ModelHandle base,
            EditSession edited,
            List<EditRequest> edits,
            Set<String> editedPrompts,
            List<EditResult> results,
            boolean generation,
            Scorer baseScores,
            long peakMemory) {
        this.base = base;
        this.edited = edited;
        this.edits = List.copyOf(edits);
        this.editedPrompts = editedPrompts != null ? editedPrompts : prompts(edits);
        this.results = List.copyOf(results);
        this.generation = generation;
        this.editedScores = new Scorer(edited, generation);
        this.baseScores = baseScores;
        this.peakMemory = peakMemory;
    }

    @Override
    public ModelHandle base() {
        return base;
    }

    @Override
    public EditSession edited() {
        return edited;
    }

    @Override
    public List<EditRequest> edits() {
        return edits;
    }

    @Override
    public List<EditResult> results() {
        return results;
    }

    @Override
    public List<Completion> unrelatedProbes() {
        return edits.stream()
                .flatMap(r -> r.locality().stream())
                .filter(p -> !editedPrompts.contains(p.prompt()))
                .map(p -> new Completion(p.prompt(), p.answer()))
                .toList();
    }

    /** The prompts and rephrasings of {@code requests}. */
    static Set<String> prompts(List<EditRequest> requests) {
        Set<String> prompts = new HashSet<>();
        for (EditRequest request : requests) {
            prompts.add(request.prompt());
            prompts.addAll(request.rephrases());
        }
        return prompts;
    }

    @Override
    public boolean scoresGeneration() {
        return generation;
    }

    @Override
    public List<ItemScore> score(List<Completion> items) {
        return editedScores.score(items);
    }

    @Override
    public List<ItemScore> scoreBase(List<Completion> items) {
        return baseScores.score(items);
    }

    @Override
    public long peakMemoryBytes() {
        return peakMemory;
    }
}
