package io.editlab.elder.impl;

import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.loss.Loss;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.route.Router;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An ELDER editor for one session: a {@link QueryAdapter} at the query module and a {@link
 * MixtureAdapter} at each of the L mixture modules, hooked for the editor's lifetime, over one
 * {@link ElderState}. Each batch trains the shared LoRAs and routers ({@link BatchTrainer}) and
 * then records the codes of its edit prompts; the base model is never changed.
 */
final class ElderEditor implements Editor {

    private static final System.Logger LOG = System.getLogger(ElderEditor.class.getName());

    private final EditSession session;
    private final ElderSettings settings;
    private final ElderState state;
    private final BatchTrainer trainer;
    private final String attribute;
    private final List<AdapterRegistration> registrations = new ArrayList<>();
    private boolean closed;

    /**
     * @param router the router to use at every forward pass: read each time, so a replaced router
     *     service takes effect at once
     * @param guide the guided loss, likewise read at every step
     */
    ElderEditor(EditSession session, ElderSettings settings, Supplier<Router> router, Supplier<Loss> guide) {
        this.session = session;
        this.settings = settings;
        this.state = new ElderState(session.manager(), settings);
        this.attribute = "io.editlab.elder.pass@" + Integer.toHexString(System.identityHashCode(this));
        this.trainer = new BatchTrainer(session, state, guide, attribute);
        try {
            registrations.add(session.addAdapter(settings.queryModule(), new QueryAdapter(state, router, attribute)));
            for (int l = 0; l < settings.layers(); l++) {
                registrations.add(session.addAdapter(
                        settings.mixtureModules().get(l), new MixtureAdapter(state, l, router, attribute)));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.log(
                System.Logger.Level.INFO,
                () -> String.format(
                        "ELDER on %s: %,d trainable parameters (%d layers x %d"
                                + " LoRAs of rank %d at %s, routers %d -> %d, query %s)",
                        session.model().info().id(),
                        trainableParameters(),
                        settings.layers(),
                        settings.experts(),
                        settings.rank(),
                        settings.mixtureModules(),
                        settings.width(),
                        settings.experts(),
                        settings.queryModule()));
    }

    /** The number of trainable scalars: every LoRA and router (logged at creation, to check against the paper's count). */
    long trainableParameters() {
        return state.parameters().stream().mapToLong(p -> p.getShape().size()).sum();
    }

    /**
     * Trains on the whole batch, then records each edit's code. A failure leaves whatever it
     * changed: callers roll back through the session's transaction ({@link Editor#applyAtomically}).
     */
    @Override
    public synchronized EditResult apply(List<EditRequest> batch) throws EditException {
        requireOpen();
        long start = System.nanoTime();
        if (batch.isEmpty()) {
            double codes = state.memory().size();
            return new EditResult(
                    0, System.nanoTime() - start, Set.of(), Map.of("codes", codes, "trainable_parameters", (double)
                            trainableParameters()));
        }
        List<Completion> completions =
                batch.stream().map(r -> new Completion(r.prompt(), r.target())).toList();
        List<float[]> masks = new ArrayList<>();
        for (EditRequest request : batch) {
            masks.add(state.allocations().mask(state.allocations().of(request.target())));
        }
        long trainStart = System.nanoTime();
        double loss = trainer.train(completions, masks);
        double stepSeconds = (System.nanoTime() - trainStart) / 1e9 / settings.iterations();
        codesOf(completions).forEach(state.memory()::add);
        Map<String, Double> stats = Map.of(
                "final_loss",
                loss,
                "codes",
                (double) state.memory().size(),
                "labels",
                (double) state.allocations().size(),
                "trainable_parameters",
                (double) trainableParameters(),
                EditResult.STEP_SECONDS,
                stepSeconds);
        Set<String> touched = new LinkedHashSet<>(settings.mixtureModules());
        return new EditResult(batch.size(), System.nanoTime() - start, touched, stats);
    }

    /**
     * The allocation code of each completion's prompt under the current routers (README, 'What it does': query module),
     * from an inference pass: the query is read at the last prompt token, so targets do not matter.
     */
    List<BitSet> codesOf(List<Completion> completions) {
        try (NDManager scratch = session.manager().newSubManager()) {
            ElderPass pass = session.forward(scratch, completions, ForwardOptions.INFERENCE)
                    .context()
                    .attribute(attribute, ElderPass.class)
                    .orElseThrow(
                            () -> new IllegalStateException("ELDER's query adapter did not run: was it unhooked?"));
            return List.of(pass.codes);
        }
    }

    /** The code memory's current distance test, for callers that inspect deferral. */
    boolean applies(BitSet code) {
        return state.memory().applies(code, settings.threshold());
    }

    @Override
    public synchronized EditorState state(NDManager into) {
        requireOpen();
        return StateCodec.write(state, into);
    }

    @Override
    public synchronized void restore(EditorState saved) throws EditException {
        requireOpen();
        StateCodec.read(saved, state);
    }

    /** Unhooks the adapters and frees the state. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            registrations.forEach(AdapterRegistration::close);
            state.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this ELDER editor is closed");
        }
    }
}
