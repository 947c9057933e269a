package io.editlab.locate;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
import io.editlab.keystats.Corpus;
import io.editlab.keystats.KeyCache;
import io.editlab.keystats.KeyStatistics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A locate-then-edit editor for one session: each call edits the weights of the MLP output
 * projections of {@link LocateSettings#layers()} in the session's deltas, in closed form (README,
 * "The procedure"):
 * <ol>
 * <li>target values: for each request, the hidden state at its site in the last edited block that
 * makes the model say the new target ({@link TargetValues});
 * <li>for each edited layer in order: the requests' keys at that layer on the model as edited so far
 * (averaged over the context prefixes), the residual between the target values and the current
 * hidden states, divided among the layers still to edit, and the method's {@link UpdateRule} update;
 * <li>for a rule that remembers edits, the keys of the requests on the edited model.
 * </ol>
 * Edits accumulate over calls (lifelong editing), each call on the model the previous ones left. A
 * call that fails is undone by the session's transaction ({@link Editor#applyAtomically}), which
 * restores the deltas and, through {@link #restore}, the rule's memory. The methods are synchronized.
 */
public final class LocateEditor implements Editor {

    static final String FORMAT_KEY = "locate.format";
    static final String FORMAT = "1";
    static final String METHOD_KEY = "locate.method";
    static final String LAYERS_KEY = "locate.layers";

    private final EditSession session;
    private final LocateSettings settings;
    private final NDManager manager;
    private final UpdateRule rule;
    private final List<String> prefixes;
    private final List<String> weights;
    private boolean closed;

    /**
     * An editor whose key statistics are measured on the corpus {@link LocateSettings#corpus()} names
     * among {@code corpora} (see {@link Corpora#resolve}).
     */
    public static LocateEditor open(
            EditSession session,
            LocateSettings settings,
            Map<String, KnowledgeCorpus> corpora,
            UpdateRule.Factory rules)
            throws EditException {
        Corpus corpus = Corpora.resolve(settings.method(), settings.corpus(), corpora);
        return new LocateEditor(session, settings, corpus, rules, (stage, done, total) -> {});
    }

    /**
     * Measures (or reads from the cache) the key statistics of every edited layer and makes the rule.
     *
     * @throws EditException when the corpus's statistics cannot be computed or stored, or the rule refuses them
     */
    public LocateEditor(
            EditSession session,
            LocateSettings settings,
            Corpus corpus,
            UpdateRule.Factory rules,
            ProgressListener progress)
            throws EditException {
        this.session = session;
        this.settings = settings;
        ModelHandle model = session.model();
        List<KeyStatistics.Stats> moments = new ArrayList<>();
        KeyCache cache = new KeyCache(settings.cache());
        for (int layer : settings.layers()) {
            try {
                KeyStatistics.Stats stats =
                        cache.get(model, layer, corpus, progress).stats();
                if (stats.provenance().tokens() < stats.width()) {
                    throw new EditException(settings.method() + ": corpus '" + corpus.name() + "' has "
                            + stats.provenance().tokens() + " tokens, fewer than the " + stats.width() + "-wide keys of"
                            + " block " + layer + ": their second moment is singular; use a larger corpus");
                }
                moments.add(stats);
            } catch (IOException e) {
                throw new EditException(
                        settings.method() + ": the key statistics of block " + layer + " could not be" + " kept in "
                                + settings.cache() + ": " + e.getMessage(),
                        e);
            }
        }
        this.manager = session.manager().newSubManager();
        try {
            NDManager memory = manager.newSubManager();
            this.rule = rules.create(moments, memory);
            memory.cap(); // the rule's arrays only change in place: a call that would allocate there fails
        } catch (EditException | RuntimeException e) {
            manager.close();
            throw e;
        }
        this.prefixes = Prefixes.generate(model, settings.prefixes(), settings.prefixTokens());
        this.weights = settings.layers().stream()
                .map(l -> Shapes.projection(model, l).name())
                .toList();
    }

    /**
     * Edits {@code batch}. Stats: {@code value_loss} (the target values' mean final loss), {@code
     * residual_norm} (mean norm of what the first edited layer had to add), {@code residual_left} (mean
     * norm of what is still missing after the last one), {@code update_norm}
     * (Frobenius norm of all updates of the call) and {@link EditResult#STEP_SECONDS} (one step of the
     * target-value optimisation).
     *
     * @throws EditException when a request has no site, or the optimisation diverges
     */
    @Override
    public synchronized EditResult apply(List<EditRequest> batch) throws EditException {
        requireOpen();
        long start = System.nanoTime();
        if (batch.isEmpty()) {
            return new EditResult(0, System.nanoTime() - start, Set.of(), Map.of());
        }
        for (EditRequest request : batch) {
            Site.of(session.tokenizer(), "", request, settings.position(), settings.method()); // fail before editing
        }
        List<List<EditRequest>> groups =
                rule.oneAtATime() ? batch.stream().map(List::of).toList() : List.of(batch);
        Totals totals = new Totals();
        try {
            for (List<EditRequest> group : groups) {
                edit(group, totals);
            }
        } catch (EngineException | IllegalArgumentException | IllegalStateException e) {
            throw new EditException(settings.method() + ": " + e.getMessage(), e);
        }
        return new EditResult(
                batch.size(),
                System.nanoTime() - start,
                Set.copyOf(weights),
                Map.of(
                        "value_loss",
                        totals.loss / groups.size(),
                        "residual_norm",
                        totals.residual / batch.size(),
                        "residual_left",
                        totals.left / batch.size(),
                        "update_norm",
                        Math.sqrt(totals.updateSquared),
                        EditResult.STEP_SECONDS,
                        totals.stepSeconds / groups.size()));
    }

    /** Sums over a call's groups. */
    private static final class Totals {
        double loss;
        double residual;
        double left;
        double updateSquared;
        double stepSeconds;
    }

    private void edit(List<EditRequest> group, Totals totals) throws EditException {
        ModelHandle model = session.model();
        String valueModule = model.module(settings.valueLayer(), settings.valueRole());
        try (NDManager work = manager.newSubManager()) {
            TargetValues.Result target = TargetValues.compute(
                    session,
                    group,
                    prefixes,
                    valueModule,
                    settings.position(),
                    settings.values(),
                    work,
                    settings.method());
            totals.loss += target.loss();
            totals.stepSeconds += target.stepSeconds();
            NDArray values = target.values().toType(DataType.FLOAT64, false);
            List<Site> plain = sites(group, List.of(""));
            List<Integer> layers = settings.layers();
            for (int i = 0; i < layers.size(); i++) {
                NDArray keys = keys(layers.get(i), group, work);
                NDArray current = Readout.read(session, work, valueModule, Readout.Side.OUTPUT, plain)
                        .toType(DataType.FLOAT64, false);
                NDArray residual = values.sub(current);
                if (i == 0) {
                    totals.residual += residual.norm(new int[] {1}).sum().getDouble();
                }
                NDArray update = rule.update(i, keys, residual.div(layers.size() - i));
                totals.updateSquared += update.square().sum().getDouble();
                add(layers.get(i), update);
            }
            NDArray reached = Readout.read(session, work, valueModule, Readout.Side.OUTPUT, plain)
                    .toType(DataType.FLOAT64, false);
            totals.left += values.sub(reached).norm(new int[] {1}).sum().getDouble();
            if (rule.remembers()) {
                for (int i = 0; i < layers.size(); i++) {
                    rule.remember(i, keys(layers.get(i), group, work));
                }
            }
        }
    }

    /**
     * {@code [n, in]} float64: each request's key at {@code layer}, the mean over its sites behind the
     * prefixes, the bare prompt weighing one half and the prefixed ones the other (MEMIT's averaging of
     * its two groups of context templates).
     */
    private NDArray keys(int layer, List<EditRequest> group, NDManager into) throws EditException {
        List<Site> sites = sites(group, prefixes);
        NDArray read = Readout.read(
                        session, into, session.model().module(layer, ModuleRole.MLP_DOWN), Readout.Side.INPUT, sites)
                .toType(DataType.FLOAT64, false);
        int templates = prefixes.size();
        long width = read.getShape().get(1);
        NDArray perTemplate = read.reshape(group.size(), templates, width);
        if (templates == 1) {
            return perTemplate.get(new NDIndex(":, 0, :"));
        }
        double[] weight = new double[templates];
        weight[0] = 0.5;
        for (int t = 1; t < templates; t++) {
            weight[t] = 0.5 / (templates - 1);
        }
        return perTemplate.mul(into.create(weight).reshape(1, templates, 1)).sum(new int[] {1});
    }

    private List<Site> sites(List<EditRequest> group, List<String> prefixesToUse) throws EditException {
        List<Site> sites = new ArrayList<>();
        for (EditRequest request : group) {
            for (String prefix : prefixesToUse) {
                sites.add(Site.of(session.tokenizer(), prefix, request, settings.position(), settings.method()));
            }
        }
        return sites;
    }

    /** Adds {@code update} ({@code [out, in]}) to the delta of block {@code layer}'s MLP output projection. */
    private void add(int layer, NDArray update) {
        ParameterInfo weight = Shapes.projection(session.model(), layer);
        NDArray delta = session.delta(weight.name());
        NDArray oriented = weight.layout() == WeightLayout.IN_OUT ? update.transpose() : update;
        delta.addi(oriented.toType(delta.getDataType(), false));
    }

    /** The rule's memory, and which method and layers it belongs to; the deltas are the session's. */
    @Override
    public synchronized EditorState state(NDManager into) {
        requireOpen();
        return new EditorState(
                rule.state(into), Map.of(FORMAT_KEY, FORMAT, METHOD_KEY, settings.method(), LAYERS_KEY, layersText()));
    }

    @Override
    public synchronized void restore(EditorState state) throws EditException {
        requireOpen();
        state.expect(settings.method(), FORMAT_KEY, FORMAT);
        state.expect(settings.method(), METHOD_KEY, settings.method());
        state.expect(settings.method(), LAYERS_KEY, layersText());
        rule.restore(state);
    }

    private String layersText() {
        return settings.layers().stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /** Frees the rule's memory and the key statistics; the deltas stay with the session. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this " + settings.method() + " editor is closed");
        }
    }
}
