package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.route.Router;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A LEMoE editor for one session: a {@link MoeAdapter} at the configured feed-forward sub-layer,
 * hooked for the editor's lifetime, over one {@link ExpertBank}. Each {@link #apply} call is one
 * edit batch: a new expert is inserted and trained ({@link BatchTrainer}) while every earlier one
 * stays frozen, then frozen itself with its threshold; its edit prompts become its anchors. The base
 * model is never changed.
 */
final class LemoeEditor implements Editor {

    private static final System.Logger LOG = System.getLogger(LemoeEditor.class.getName());

    private final EditSession session;
    private final LemoeSettings settings;
    private final ExpertBank bank;
    private final Supplier<Router> router;
    private final Supplier<NDArray> table;
    private final String attribute;
    private final BatchTrainer trainer;
    private final AdapterRegistration registration;
    private Map<String, Integer> lastTrainingRoutes = Map.of();
    private boolean closed;

    /**
     * @param router the router to use at every pass: read each time, so a replaced router service
     *     takes effect at once
     */
    LemoeEditor(EditSession session, LemoeSettings settings, Supplier<Router> router) {
        this.session = session;
        this.settings = settings;
        this.router = router;
        this.bank = new ExpertBank(session.manager(), settings);
        this.table = () -> session.model().parameter(settings.table());
        this.attribute = "io.editlab.lemoe.route@" + Integer.toHexString(System.identityHashCode(this));
        this.trainer = new BatchTrainer(session, bank, table, router, attribute);
        try {
            this.registration = session.addAdapter(settings.module(), new MoeAdapter(bank, table, router, attribute));
        } catch (RuntimeException e) {
            bank.close();
            throw e;
        }
    }

    /**
     * Inserts and trains one expert for the whole batch. A failure leaves the new expert in place:
     * callers roll back through the session's transaction ({@link Editor#applyAtomically}).
     */
    @Override
    public synchronized EditResult apply(List<EditRequest> batch) throws EditException {
        requireOpen();
        long start = System.nanoTime();
        if (batch.isEmpty()) {
            return new EditResult(0, System.nanoTime() - start, Set.of(), Map.of("experts", (double)
                    bank.experts().size()));
        }
        router.get(); // fail before changing anything when no router is bound
        Expert fresh = bank.newExpert();
        bank.addTrainee(fresh);
        int index = bank.experts().size() - 1;
        BatchTrainer.Outcome outcome = trainer.train(batch, fresh);
        bank.freeze();
        Set<String> prompts = new HashSet<>();
        batch.forEach(r -> prompts.add(r.prompt()));
        List<Anchor> anchors = new ArrayList<>(bank.anchors());
        anchors.removeIf(a -> prompts.contains(a.prompt())); // a re-edited prompt now belongs to the new expert
        Set<String> added = new HashSet<>();
        for (EditRequest request : batch) {
            if (added.add(request.prompt())) {
                anchors.add(new Anchor(request.prompt(), request.subject(), index));
            }
        }
        bank.setAnchors(anchors);
        lastTrainingRoutes = Map.copyOf(outcome.trainingRoutes());
        long routedToNew = batch.stream()
                .filter(r -> outcome.trainingRoutes().getOrDefault(r.prompt(), -1) == index)
                .count();
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("final_loss", outcome.loss());
        stats.put("nll", outcome.nll());
        stats.put("epochs", (double) outcome.epochs());
        stats.put("steps", (double) outcome.steps());
        if (Double.isFinite(outcome.stepSeconds())) {
            stats.put(EditResult.STEP_SECONDS, outcome.stepSeconds());
        }
        stats.put("router_steps", (double) outcome.routerSteps());
        stats.put("routing_loss", outcome.routingLoss());
        stats.put("experts", (double) bank.experts().size());
        if (settings.gate() == LemoeSettings.Gate.SCORE) {
            stats.put("threshold", (double) outcome.threshold());
            stats.put("negatives_over_threshold", outcome.leak());
        } else if (settings.gate() == LemoeSettings.Gate.ANCHOR) {
            double sum = 0;
            for (float radius : outcome.radii()) {
                sum += radius;
            }
            stats.put("mean_radius", sum / outcome.radii().length);
        }
        stats.put("trained_on_new_expert", routedToNew / (double) batch.size());
        stats.put("anchor_consistency", anchorConsistency());
        stats.put("parameters", (double)
                bank.experts().stream().mapToLong(Expert::size).sum());
        LOG.log(System.Logger.Level.DEBUG, () -> "lemoe: expert " + index + " " + stats);
        return new EditResult(batch.size(), System.nanoTime() - start, Set.of(settings.module()), stats);
    }

    /** The fraction of anchors (edit prompts) that routing now sends to their own expert, through its gate. */
    double anchorConsistency() {
        List<Anchor> anchors = bank.anchors();
        if (anchors.isEmpty()) {
            return Double.NaN;
        }
        int[] chosen = routesOf(anchors.stream().map(Anchor::prompt).toList());
        int agree = 0;
        for (int a = 0; a < anchors.size(); a++) {
            agree += chosen[a] == anchors.get(a).expert() ? 1 : 0;
        }
        return agree / (double) anchors.size();
    }

    /**
     * The expert that applies to each prompt (-1: none), computed from the prompt's tokens alone, as
     * every forward pass does.
     */
    synchronized int[] routesOf(List<String> prompts) {
        requireOpen();
        ExpertBank.View view = bank.view();
        if (view.experts().isEmpty()) {
            return prompts.stream().mapToInt(p -> -1).toArray();
        }
        try (NDManager scratch = bank.manager().newSubManager()) {
            List<int[]> ids =
                    prompts.stream().map(p -> session.tokenizer().encode(p)).toList();
            NDArray e = AnchorRouting.embed(scratch, table.get(), ids);
            return AnchorRouting.route(scratch, e, view, bank.shared(), router.get(), settings.topK(), settings.gate())
                    .chosen();
        }
    }

    /** The expert applied to each completion in a real inference pass of the session (-1: none). */
    synchronized int[] routesInPass(List<Completion> completions) {
        requireOpen();
        try (NDManager scratch = session.manager().newSubManager()) {
            return session.forward(scratch, completions, ForwardOptions.INFERENCE)
                    .context()
                    .attribute(attribute, RoutePass.class)
                    .orElseThrow(() -> new IllegalStateException("LEMoE's mixture did not run: was it unhooked?"))
                    .chosen();
        }
    }

    /** Each prompt of the last batch with the top-1 expert of its last training pass. */
    synchronized Map<String, Integer> lastTrainingRoutes() {
        return lastTrainingRoutes;
    }

    /** The experts, for inspection. */
    List<Expert> experts() {
        return bank.experts();
    }

    @Override
    public synchronized EditorState state(NDManager into) {
        requireOpen();
        return StateCodec.write(bank, into);
    }

    @Override
    public synchronized void restore(EditorState state) throws EditException {
        requireOpen();
        StateCodec.read(state, bank);
    }

    /** Unhooks the adapter and frees every expert. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            registration.close();
            bank.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this LEMoE editor is closed");
        }
    }
}
