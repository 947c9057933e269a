package io.editlab.harness;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.Tokenizer;
import java.util.List;

/**
 * Checks, before any editing, that every text of a stream fits the model's context: a record that
 * does not is named with its field, instead of failing a run half-way.
 */
public final class ContextCheck {

    private ContextCheck() {}

    /**
     * @throws IllegalArgumentException naming the first record id and field whose prompt and answer
     *     together have more tokens than {@code model} takes, or whose text has no token at all
     */
    public static void check(ModelHandle model, List<EditRequest> requests) {
        Tokenizer tokenizer = model.tokenizer();
        int limit = model.contextLength();
        for (EditRequest request : requests) {
            fit(tokenizer, limit, request, "prompt", request.prompt(), request.target());
            for (int i = 0; i < request.rephrases().size(); i++) {
                fit(
                        tokenizer,
                        limit,
                        request,
                        "rephrases[" + i + "]",
                        request.rephrases().get(i),
                        request.target());
            }
            probes(tokenizer, limit, request, "locality", request.locality());
            probes(tokenizer, limit, request, "portability", request.portability());
        }
    }

    private static void probes(Tokenizer tokenizer, int limit, EditRequest request, String field, List<Probe> probes) {
        for (int i = 0; i < probes.size(); i++) {
            fit(
                    tokenizer,
                    limit,
                    request,
                    field + "[" + i + "]",
                    probes.get(i).prompt(),
                    probes.get(i).answer());
        }
    }

    private static void fit(
            Tokenizer tokenizer, int limit, EditRequest request, String field, String prompt, String answer) {
        int promptTokens = tokenizer.encode(prompt).length;
        int answerTokens = tokenizer.encodeContinuation(answer).length;
        if (promptTokens == 0 || answerTokens == 0) {
            throw new IllegalArgumentException("record '" + request.id() + "', field '" + field + "': "
                    + (promptTokens == 0 ? "the prompt" : "the answer") + " has no tokens");
        }
        if (promptTokens + answerTokens - 1 > limit) {
            throw new IllegalArgumentException("record '" + request.id() + "', field '" + field + "': the prompt ("
                    + promptTokens + " tokens) and its answer (" + answerTokens + ") need "
                    + (promptTokens + answerTokens - 1) + " positions; the model takes at most " + limit);
        }
    }
}
