package io.editlab.ftl.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.editkit.Adam;
import io.editlab.editkit.Copies;
import io.editlab.editkit.GuardedSteps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * FT-L on one session. Each {@link #apply} fine-tunes the session's delta of one weight with Adam on
 * the requests' (prompt, target) completions, loss = mean negative log-likelihood of the target
 * tokens: {@code steps} passes, one Adam step per mini-batch, and after every step each element of
 * the delta is clamped to within {@code normConstraint} of its value at the start of the call.
 *
 * <p>Edits accumulate (lifelong editing): a call starts from the delta earlier calls left, and the
 * constraint bounds each call's change, not the total, so later edits gradually overwrite earlier
 * ones. Adam's moments are fresh for every call, as in ROME's {@code execute_ft}: the editor keeps
 * no arrays between calls, and its whole state is the delta (and, when every call trains on every
 * edit so far, as {@code ft} does by default, those edits). The methods are synchronized: one call
 * at a time.
 */
final class FtlEditor implements Editor {

    static final String DELTA = "delta";
    static final String FORMAT_KEY = "ftl.format";
    static final String WEIGHT_KEY = "ftl.weight";
    static final String LAYER_KEY = "ftl.layer";
    static final String MODULE_KEY = "ftl.module";
    /** Every edit so far, as a JSON list of [prompt, target], when each call trains on all of them. */
    static final String EDITS_KEY = "ftl.edits";

    static final String FORMAT = "1";

    /**
     * ROME's convergence threshold: a mini-batch whose loss is below it takes no step, and a pass
     * whose mean loss is below it ends the call.
     */
    private static final double CONVERGED = 1e-2;

    private static final NDIndex ALL = new NDIndex("...");

    private final EditSession session;
    private final FtlSettings settings;
    private final int block;
    private final String weight;
    /** Every edit applied so far, when {@link FtlSettings#everyEdit()}; else empty. */
    private final List<Completion> edits = new ArrayList<>();
    /** What is appended to each target: the end-of-text token's text, or nothing. */
    private final String suffix;

    private boolean closed;

    /** @throws EditException when the configured block or module does not exist in the session's model */
    FtlEditor(EditSession session, FtlSettings settings) throws EditException {
        this.session = session;
        this.settings = settings;
        this.block = settings.block(session.model());
        this.weight = settings.weight(session.model(), block);
        this.suffix =
                settings.endOfText() ? session.model().tokenizer().endOfText().orElse("") : "";
    }

    /**
     * Fine-tunes the delta on {@code batch}. The result's stats are {@code final_loss} (the last
     * pass's mean loss, measured before each of its steps), {@code steps} (passes run; fewer than
     * configured once a pass's mean loss falls below 0.01), {@code updates} (Adam steps taken) and
     * {@code skipped} (steps skipped because the loss or gradient was not finite).
     *
     * @throws EditException when the training diverges (more than 3 non-finite steps in a row) or a
     *     request does not fit the model; the delta is left as the failure found it (callers roll
     *     back through the session's transaction, {@link io.editlab.api.edit.Editor#applyAtomically})
     */
    @Override
    public synchronized EditResult apply(List<EditRequest> batch) throws EditException {
        requireOpen();
        long started = System.nanoTime();
        if (batch.isEmpty()) {
            return new EditResult(0, System.nanoTime() - started, Set.of(), Map.of());
        }
        List<Completion> added =
                batch.stream().map(r -> new Completion(r.prompt(), r.target())).toList();
        List<Completion> completions = new ArrayList<>(settings.everyEdit() ? edits : List.of());
        completions.addAll(added);
        completions.replaceAll(c -> new Completion(c.prompt(), c.target() + suffix));
        NDArray delta = session.delta(weight);
        try (NDManager scratch = session.manager().newSubManager()) {
            NDArray start = Copies.into(scratch, delta);
            delta.setRequiresGradient(true);
            Adam adam = new Adam(scratch, List.of(delta), settings.learningRate());
            try {
                adam.zeroGradients(); // a call that failed after its backward pass may have left some
                Outcome outcome = train(completions, delta, start, adam);
                if (settings.everyEdit()) {
                    edits.addAll(added);
                }
                return new EditResult(
                        batch.size(),
                        System.nanoTime() - started,
                        Set.of(weight),
                        Map.of(
                                "final_loss",
                                outcome.loss,
                                "steps",
                                (double) outcome.passes,
                                "updates",
                                (double) outcome.updates,
                                "skipped",
                                (double) outcome.skipped,
                                "trained_on",
                                (double) completions.size(),
                                "end_of_text",
                                suffix.isEmpty() ? 0.0 : 1.0,
                                EditResult.STEP_SECONDS,
                                outcome.stepSeconds));
            } catch (IllegalArgumentException e) {
                throw new EditException(settings.method() + ": " + e.getMessage(), e);
            } finally {
                adam.zeroGradients();
                delta.setRequiresGradient(false);
            }
        }
    }

    /**
     * What one call's training did: the last pass's mean loss (over its mini-batches of finite loss),
     * the passes run, the Adam steps taken, the steps skipped as non-finite and the mean wall time of
     * a step taken.
     */
    private record Outcome(double loss, int passes, int updates, int skipped, double stepSeconds) {}

    private Outcome train(List<Completion> given, NDArray delta, NDArray start, Adam adam) throws EditException {
        List<Completion> completions = new ArrayList<>(given);
        Random order = new Random(completions.size()); // the same shuffles for the same stream
        NDArray lower = start.sub(settings.normConstraint());
        NDArray upper = start.add(settings.normConstraint());
        GuardedSteps steps = new GuardedSteps(List.of(adam));
        double passLoss = Double.NaN;
        int passes = 0;
        while (passes < settings.steps()) {
            passes++;
            if (settings.shuffle()) {
                Collections.shuffle(completions, order);
            }
            double sum = 0;
            int counted = 0;
            for (int from = 0; from < completions.size(); from += settings.batchSize()) {
                List<Completion> part =
                        completions.subList(from, Math.min(completions.size(), from + settings.batchSize()));
                int taken = steps.taken();
                float loss = steps.step(
                        session,
                        step -> session.forward(step, part, ForwardOptions.TRAINING)
                                .loss(),
                        CONVERGED);
                if (!Float.isFinite(loss)) {
                    if (steps.diverged()) {
                        throw diverged(passes);
                    }
                    continue;
                }
                sum += (double) loss * part.size();
                counted += part.size();
                if (steps.taken() > taken) {
                    clamp(delta, lower, upper);
                }
            }
            if (counted > 0) {
                passLoss = sum / counted;
                if (passLoss < CONVERGED) {
                    break;
                }
            }
        }
        return new Outcome(passLoss, passes, steps.taken(), steps.skipped(), steps.meanStepSeconds());
    }

    /** Puts every element of {@code delta} back into {@code [lower, upper]}, in place. */
    private static void clamp(NDArray delta, NDArray lower, NDArray upper) {
        try (NDArray floor = lower.maximum(delta);
                NDArray clamped = floor.minimum(upper)) {
            delta.set(ALL, clamped);
        }
    }

    private EditException diverged(int pass) {
        return new EditException(settings.method() + ": training of " + weight + " diverged in pass " + pass + ": "
                + (GuardedSteps.TOLERATED_IN_A_ROW + 1)
                + " steps in a row had a non-finite loss or gradient; lower learningRate"
                + " (now " + settings.learningRate() + ") or normConstraint (now " + settings.normConstraint() + ")");
    }

    /**
     * The delta and what it belongs to; the delta is copied into {@code into}. An editor that trains
     * on every edit so far also keeps those edits ({@link #EDITS_KEY}).
     */
    @Override
    public synchronized EditorState state(NDManager into) {
        requireOpen();
        Map<String, String> metadata = new HashMap<>(Map.of(
                FORMAT_KEY,
                FORMAT,
                WEIGHT_KEY,
                weight,
                LAYER_KEY,
                Integer.toString(block),
                MODULE_KEY,
                settings.module().name()));
        if (settings.everyEdit()) {
            JsonArray list = new JsonArray();
            for (Completion edit : edits) {
                JsonArray pair = new JsonArray();
                pair.add(edit.prompt());
                pair.add(edit.target());
                list.add(pair);
            }
            metadata.put(EDITS_KEY, list.toString());
        }
        return new EditorState(Map.of(DELTA, Copies.into(into, session.delta(weight))), metadata);
    }

    /**
     * Sets the delta to the one in {@code state}.
     *
     * @throws EditException when the state is not an FT-L state of this format, was taken from an
     *     editor of another weight, or its delta's shape or type differs from the weight's
     */
    @Override
    public synchronized void restore(EditorState state) throws EditException {
        requireOpen();
        String format = state.metadata().get(FORMAT_KEY);
        if (!FORMAT.equals(format)) {
            throw new EditException(settings.method() + ": not an FT-L state of format " + FORMAT + " (" + FORMAT_KEY
                    + " is " + format + ")");
        }
        String saved = state.metadata().get(WEIGHT_KEY);
        if (!weight.equals(saved)) {
            throw new EditException(settings.method() + ": the state is of " + saved + ", this editor tunes " + weight);
        }
        NDArray value = state.tensors().get(DELTA);
        NDArray delta = session.delta(weight);
        if (value == null || !value.getShape().equals(delta.getShape()) || value.getDataType() != delta.getDataType()) {
            throw new EditException(settings.method() + ": the state's delta is "
                    + (value == null ? "missing" : value.getDataType() + " " + value.getShape()) + ", " + weight
                    + " is " + delta.getDataType() + " " + delta.getShape());
        }
        List<Completion> remembered =
                settings.everyEdit() ? edits(state.metadata().get(EDITS_KEY)) : List.of();
        delta.set(ALL, value);
        edits.clear();
        edits.addAll(remembered);
    }

    /** The edits an editor that trains on all of them saved. */
    private List<Completion> edits(String json) throws EditException {
        if (json == null) {
            throw new EditException(settings.method() + ": the state has no " + EDITS_KEY
                    + " (it was saved by an editor" + " with scope batch, this one trains on every edit so far)");
        }
        try {
            List<Completion> list = new ArrayList<>();
            for (JsonElement pair : JsonParser.parseString(json).getAsJsonArray()) {
                list.add(new Completion(
                        pair.getAsJsonArray().get(0).getAsString(),
                        pair.getAsJsonArray().get(1).getAsString()));
            }
            return list;
        } catch (RuntimeException e) {
            throw new EditException(
                    settings.method() + ": the state's " + EDITS_KEY + " is not a list of [prompt," + " target] ("
                            + e.getMessage() + ")",
                    e);
        }
    }

    /** Marks the editor closed; it holds no arrays of its own (the delta belongs to the session). */
    @Override
    public synchronized void close() {
        closed = true;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the " + settings.method() + " editor of " + weight + " is closed");
        }
    }
}
