package io.editlab.grace.impl;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A GRACE editor for one session: a {@link Codebook} at one linear module, read by a {@link
 * GraceAdapter} hooked there for the editor's lifetime. Each edit places the prompt's key in the
 * codebook and trains the value of the entry it lands in; the base model is never changed.
 */
final class GraceEditor implements Editor {

    private final EditSession session;
    private final GraceSettings settings;
    private final Codebook codebook;
    private final GraceAdapter adapter;
    private final AdapterRegistration registration;
    private final ValueTrainer trainer;
    private boolean closed;

    GraceEditor(EditSession session, GraceSettings settings) {
        this.session = session;
        this.settings = settings;
        this.codebook = new Codebook(session.manager().newSubManager(), settings.keyWidth(), settings.valueWidth());
        this.adapter = new GraceAdapter(codebook, settings.replacement());
        this.registration = session.addAdapter(settings.module(), adapter);
        this.trainer = new ValueTrainer(session, (float) settings.learningRate(), settings.steps());
    }

    /** Applies the requests one after another. */
    @Override
    public synchronized EditResult apply(List<EditRequest> batch) throws EditException {
        requireOpen();
        long start = System.nanoTime();
        double loss = Double.NaN;
        double stepSeconds = 0;
        for (EditRequest request : batch) {
            loss = edit(request);
            stepSeconds += trainer.stepSeconds() / batch.size();
        }
        double size = codebook.size();
        Map<String, Double> stats = batch.isEmpty()
                ? Map.of("codebook", size)
                : Map.of("codebook", size, "final_loss", loss, EditResult.STEP_SECONDS, stepSeconds);
        Set<String> touched = batch.isEmpty() ? Set.of() : Set.of(settings.module());
        return new EditResult(batch.size(), System.nanoTime() - start, touched, stats);
    }

    /** Places one request's key and trains the value it lands on; returns the loss after training. */
    private double edit(EditRequest request) throws EditException {
        Completion completion = new Completion(request.prompt(), request.target());
        Codebook.Placement placement;
        try (NDManager scratch = session.manager().newSubManager()) {
            QueryBatch query = session.forward(scratch, List.of(completion), ForwardOptions.INFERENCE)
                    .context()
                    .attribute(adapter.attribute(), QueryBatch.class)
                    .orElseThrow(() -> new IllegalStateException("the GRACE adapter at " + settings.module()
                            + " did not run: was it unhooked from the session?"));
            placement = codebook.place(
                    query.keys()[0],
                    request.target(),
                    query.outputs().get(new NDIndex(0)),
                    (float) settings.epsilon(),
                    settings.expandOnSameLabel());
        } catch (IllegalArgumentException e) {
            throw new EditException(GraceSettings.METHOD + ": request '" + request.id() + "': " + e.getMessage(), e);
        }
        return trainer.train(codebook.trainable(placement.index()), completion);
    }

    @Override
    public synchronized EditorState state(NDManager into) {
        requireOpen();
        return CodebookState.write(codebook.entries(), into, settings);
    }

    @Override
    public synchronized void restore(EditorState state) throws EditException {
        requireOpen();
        codebook.replaceAll(CodebookState.read(state, codebook.manager(), settings));
    }

    /** Unhooks the adapter and frees the codebook. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            registration.close();
            codebook.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this GRACE editor is closed");
        }
    }
}
