package io.editlab.malmen.hypernet.editor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.LanguageModel;
import io.editlab.editkit.Copies;
import io.editlab.malmen.hypernet.EditedModule;
import io.editlab.malmen.hypernet.HyperNetwork;
import io.editlab.malmen.hypernet.HypernetCheckpoint;
import io.editlab.malmen.hypernet.KeyTracer;
import io.editlab.malmen.hypernet.Layouts;
import io.editlab.malmen.hypernet.ShiftAggregator;
import io.editlab.malmen.hypernet.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A MALMEN or MEND editor for one session (README, 'What it does'). An apply call:
 *
 * <ol>
 *   <li>traces the requests' (prompt, target) completions in LM mini-batches: one forward pass with
 *       the edited modules' inputs captured at the selected tokens, backward of the mini-batch's
 *       mean target loss for the value gradients;
 *   <li>hands the rows, in chunks of {@code tokenChunk} independent of the mini-batches, to the
 *       hyper-network, whose outputs are aggregated per module (MALMEN: the sums of the normal
 *       equation; MEND: the summed rank-1 shifts); every mini-batch and chunk has its own manager,
 *       so memory does not grow with the number of facts;
 *   <li>solves for each module's shift and adds it to the session's delta of the module's weight
 *       (transposed for weights stored {@code [out, in]}).
 * </ol>
 *
 * Modes for repeated calls: {@code sequential} traces the session as earlier calls left it and adds
 * each call's shift; {@code joint} traces the unedited model, keeps every call's sums and sets the
 * delta to the solution over all facts so far, which equals editing them all in one call. A failed
 * call is undone by the session's transaction ({@link Editor#applyAtomically}).
 */
public final class HypernetEditor implements Editor {

    static final String FORMAT_KEY = "malmen.format";
    static final String FORMAT = "1";
    static final String METHOD_KEY = "malmen.method";
    static final String MODE_KEY = "malmen.mode";
    static final String HYPERNET_KEY = "malmen.hypernet";
    static final String FINGERPRINT_KEY = "malmen.hypernet.sha256";
    static final String CALLS_KEY = "malmen.calls";
    static final String FACTS_KEY = "malmen.facts";
    static final String ROWS_KEY = "malmen.rows.";
    static final String DELTA = "delta/";
    static final String GRAM = "gram/";
    static final String RHS = "rhs/";
    static final String SUM = "sum/";
    private static final NDIndex ALL = new NDIndex("...");

    private final EditSession session;
    private final Variant variant;
    private final EditorSettings settings;
    private final String fingerprint;
    private final NDManager manager;
    private final HyperNetwork network;
    private final List<EditedModule> modules;
    private final int lmBatchSize;
    /** Joint mode: every call's sums, per module. */
    private final Map<EditedModule, ShiftAggregator> joint = new LinkedHashMap<>();

    private long calls;
    private long facts;
    private boolean closed;

    /**
     * An editor of {@code variant} for {@code session} with {@code options}.
     *
     * @throws EditException when the hyper-network folder is missing, cannot be read, is of the other
     *     method or does not fit the model
     */
    public static HypernetEditor create(EditSession session, Variant variant, HypernetOptions options)
            throws EditException {
        return new HypernetEditor(session, variant, EditorSettings.of(variant.id(), options));
    }

    /** @throws EditException when the hyper-network cannot be read, is of the other method or does not fit the model */
    HypernetEditor(EditSession session, Variant variant, EditorSettings settings) throws EditException {
        this.session = session;
        this.variant = variant;
        this.settings = settings;
        this.fingerprint = fingerprint(settings);
        this.manager = session.manager().newSubManager();
        try {
            this.network = HypernetCheckpoint.load(settings.hypernet(), manager);
            if (network.config().variant() != variant) {
                throw new EditException(variant.id() + ": " + EditorSettings.HYPERNET + " " + settings.hypernet()
                        + " was trained for " + network.config().variant().id() + "; train one with"
                        + " './editlab train-hypernet --method " + variant.id() + "'");
            }
            network.requireFits(
                    session.model(), variant.id() + ": " + EditorSettings.HYPERNET + " " + settings.hypernet());
            this.modules = network.config().modules();
            this.lmBatchSize = settings.lmBatchSize() > 0
                    ? settings.lmBatchSize()
                    : network.config().lmBatchSize();
            if (settings.joint()) {
                for (EditedModule m : modules) {
                    joint.put(m, new ShiftAggregator(network, m, manager));
                }
            }
        } catch (EditException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public synchronized EditResult apply(List<EditRequest> batch) throws EditException {
        requireOpen();
        long started = System.nanoTime();
        if (batch.isEmpty()) {
            return new EditResult(0, System.nanoTime() - started, Set.of(), Map.of("facts", (double) facts));
        }
        List<Completion> completions =
                batch.stream().map(r -> new Completion(r.prompt(), r.target())).toList();
        try (NDManager call = manager.newSubManager()) {
            try {
                Map<EditedModule, ShiftAggregator> aggregators = new LinkedHashMap<>();
                Map<EditedModule, RowBuffer> buffers = new LinkedHashMap<>();
                for (EditedModule m : modules) {
                    aggregators.put(m, new ShiftAggregator(network, m, call));
                    buffers.put(m, new RowBuffer(call, settings.tokenChunk()));
                }
                LanguageModel traced = settings.joint() ? session.model() : session;
                List<List<Completion>> batches = KeyTracer.batches(session.tokenizer(), completions, lmBatchSize);
                double lossSum = 0;
                for (List<Completion> part : batches) {
                    try (NDManager scratch = call.newSubManager()) {
                        lossSum += KeyTracer.trace(
                                traced,
                                scratch,
                                part,
                                modules,
                                network.config().tokens(),
                                lmBatchSize,
                                (m, keys, gradients) -> buffers.get(m).add(keys, gradients));
                    }
                    for (EditedModule m : modules) {
                        buffers.get(m).drain(aggregators.get(m), false);
                    }
                }
                Map<EditedModule, NDArray> shifts = new LinkedHashMap<>();
                double norms = 0;
                long rows = 0;
                for (EditedModule m : modules) {
                    buffers.get(m).drain(aggregators.get(m), true);
                    rows += buffers.get(m).drained();
                    NDArray shift = shift(m, aggregators.get(m), call);
                    double norm = shift.norm().getFloat();
                    if (!Double.isFinite(norm)) {
                        // a rare non-finite glitch of PyTorch's CPU kernels (djl-perf.md): solve once more
                        shift = shift(m, aggregators.get(m), call);
                        norm = shift.norm().getFloat();
                    }
                    if (!Double.isFinite(norm)) {
                        throw new EditException(variant.id() + ": the shift of " + m.weight() + " is not finite (its"
                                + " norm is " + norm + "); the hyper-network " + settings.hypernet()
                                + " may not fit this model");
                    }
                    norms += norm;
                    shifts.put(m, shift);
                }
                for (EditedModule m : modules) {
                    NDArray delta = session.delta(m.weight());
                    if (settings.joint()) {
                        delta.set(
                                ALL,
                                Layouts.stored(shifts.get(m), m.layout(), call).toType(delta.getDataType(), false));
                    } else {
                        Layouts.addShift(delta, m.layout(), shifts.get(m));
                    }
                }
                if (settings.joint()) {
                    for (EditedModule m : modules) {
                        merge(joint.get(m), aggregators.get(m));
                    }
                }
                calls++;
                facts += batch.size();
                Map<String, Double> stats = new LinkedHashMap<>();
                stats.put("tokens", (double) rows / modules.size());
                stats.put("lm_batches", (double) batches.size());
                stats.put("pre_edit_loss", lossSum / batches.size());
                stats.put("shift_norm", norms / modules.size());
                stats.put(
                        "eta",
                        modules.stream().mapToDouble(network::eta).average().orElse(Double.NaN));
                if (variant == Variant.MALMEN) {
                    stats.put(
                            "lambda",
                            modules.stream()
                                    .mapToDouble(network::lambda)
                                    .average()
                                    .orElse(Double.NaN));
                }
                stats.put("facts", (double) facts);
                aggregators.values().forEach(ShiftAggregator::close);
                buffers.values().forEach(RowBuffer::close);
                return new EditResult(
                        batch.size(),
                        System.nanoTime() - started,
                        new LinkedHashSet<>(
                                modules.stream().map(EditedModule::weight).toList()),
                        stats);
            } catch (EditException | RuntimeException e) {
                if (e instanceof EditException edit) {
                    String culprit = edit.getCause() instanceof IllegalArgumentException ? culprit(batch) : "";
                    if (!culprit.isEmpty()) {
                        throw new EditException(variant.id() + ": " + culprit + edit.getMessage(), edit);
                    }
                    throw edit;
                }
                if (e instanceof IllegalArgumentException) {
                    throw new EditException(variant.id() + ": " + e.getMessage(), e);
                }
                throw e;
            }
        }
    }

    /** The shift of this call (sequential) or of all calls so far (joint). */
    private NDArray shift(EditedModule m, ShiftAggregator aggregator, NDManager call) {
        return settings.joint() ? jointShift(m, aggregator, call) : aggregator.shift(call);
    }

    /** "record ID: " for the first request the model cannot take (too long, no tokens), or "" if none is found. */
    private String culprit(List<EditRequest> batch) {
        for (EditRequest request : batch) {
            try {
                session.score(List.of(new Completion(request.prompt(), request.target())));
            } catch (IllegalArgumentException e) {
                return "record " + request.id() + ": ";
            }
        }
        return "";
    }

    /** Joint mode: the solution over every earlier call's sums plus this call's, without changing the former. */
    private NDArray jointShift(EditedModule m, ShiftAggregator current, NDManager call) {
        try (ShiftAggregator combined = new ShiftAggregator(network, m, call)) {
            merge(combined, joint.get(m));
            merge(combined, current);
            return combined.shift(call);
        }
    }

    /** Adds {@code from}'s sums to {@code into}'s. */
    private static void merge(ShiftAggregator into, ShiftAggregator from) {
        if (into.equation() != null) {
            into.equation().add(from.equation());
            into.setRows(into.equation().rows());
        } else {
            into.sum().addi(from.sum());
            into.setRows(into.rows() + from.rows());
        }
    }

    /**
     * The deltas of the edited weights, plus in joint mode the sums of every call; metadata names
     * the method, mode and hyper-network (with the SHA-256 of its configuration file).
     */
    @Override
    public synchronized EditorState state(NDManager into) {
        requireOpen();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(FORMAT_KEY, FORMAT);
        metadata.put(METHOD_KEY, variant.id());
        metadata.put(MODE_KEY, settings.joint() ? "joint" : "sequential");
        metadata.put(HYPERNET_KEY, settings.hypernet().toString());
        metadata.put(FINGERPRINT_KEY, fingerprint);
        metadata.put(CALLS_KEY, Long.toString(calls));
        metadata.put(FACTS_KEY, Long.toString(facts));
        for (EditedModule m : modules) {
            tensors.put(DELTA + m.weight(), Copies.into(into, session.delta(m.weight())));
            ShiftAggregator sums = joint.get(m);
            if (sums != null) {
                if (sums.equation() != null) {
                    tensors.put(
                            GRAM + m.module(), Copies.into(into, sums.equation().gram()));
                    tensors.put(
                            RHS + m.module(), Copies.into(into, sums.equation().rhs()));
                } else {
                    tensors.put(SUM + m.module(), Copies.into(into, sums.sum()));
                }
                metadata.put(ROWS_KEY + m.module(), Long.toString(sums.rows()));
            }
        }
        return new EditorState(tensors, metadata);
    }

    /**
     * Sets the deltas (and joint sums) from a state of {@link #state}.
     *
     * @throws EditException when the state is of another format, method or mode, lacks a tensor or has
     *     one of another shape, or (joint mode) was taken with another hyper-network
     */
    @Override
    public synchronized void restore(EditorState state) throws EditException {
        requireOpen();
        Map<String, String> meta = state.metadata();
        require(
                FORMAT.equals(meta.get(FORMAT_KEY)),
                "not a MALMEN/MEND state of format " + FORMAT + " (" + FORMAT_KEY + " is " + meta.get(FORMAT_KEY)
                        + ")");
        require(
                variant.id().equals(meta.get(METHOD_KEY)),
                "the state is of " + meta.get(METHOD_KEY) + ", not " + variant.id());
        String mode = settings.joint() ? "joint" : "sequential";
        require(
                mode.equals(meta.get(MODE_KEY)),
                "the state is of mode " + meta.get(MODE_KEY) + ", this editor's is " + mode);
        if (settings.joint()) {
            require(
                    fingerprint.equals(meta.get(FINGERPRINT_KEY)),
                    "the state's sums were made with another" + " hyper-network (" + meta.get(HYPERNET_KEY) + ") than "
                            + settings.hypernet());
        }
        for (EditedModule m : modules) {
            NDArray delta = session.delta(m.weight());
            NDArray saved = state.tensors().get(DELTA + m.weight());
            require(
                    saved != null && saved.getShape().equals(delta.getShape()),
                    "the state's delta of " + m.weight() + " is " + (saved == null ? "missing" : saved.getShape())
                            + ", the weight is " + delta.getShape());
            if (settings.joint()) {
                ShiftAggregator sums = joint.get(m);
                long rows = parseLong(meta.get(ROWS_KEY + m.module()), ROWS_KEY + m.module());
                try {
                    if (sums.equation() != null) {
                        NDArray gram = state.tensors().get(GRAM + m.module());
                        NDArray rhs = state.tensors().get(RHS + m.module());
                        require(gram != null && rhs != null, "the state lacks the sums of " + m.module());
                        sums.equation().set(gram, rhs, rows);
                        sums.setRows(rows);
                    } else {
                        NDArray sum = state.tensors().get(SUM + m.module());
                        require(sum != null, "the state lacks the sum of " + m.module());
                        sums.setSum(sum, rows);
                    }
                } catch (IllegalArgumentException e) {
                    throw new EditException(variant.id() + ": " + e.getMessage(), e);
                }
            }
        }
        for (EditedModule m : modules) {
            NDArray delta = session.delta(m.weight());
            delta.set(ALL, state.tensors().get(DELTA + m.weight()).toType(delta.getDataType(), false));
        }
        calls = parseLong(meta.get(CALLS_KEY), CALLS_KEY);
        facts = parseLong(meta.get(FACTS_KEY), FACTS_KEY);
    }

    /** Frees the hyper-network and the sums; the deltas belong to the session. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this " + variant.id() + " editor is closed");
        }
    }

    private void require(boolean condition, String message) throws EditException {
        if (!condition) {
            throw new EditException(variant.id() + ": " + message);
        }
    }

    private long parseLong(String text, String key) throws EditException {
        try {
            return Long.parseLong(String.valueOf(text));
        } catch (NumberFormatException e) {
            throw new EditException(variant.id() + ": '" + key + "' must be a whole number, not " + text);
        }
    }

    /** The SHA-256 of the hyper-network's configuration file, which records its training run. */
    private static String fingerprint(EditorSettings settings) throws EditException {
        try {
            byte[] config = Files.readAllBytes(settings.hypernet().resolve(HypernetCheckpoint.CONFIG));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(config));
        } catch (IOException e) {
            throw new EditException(
                    settings.method() + ": " + EditorSettings.HYPERNET + " " + settings.hypernet()
                            + " is not a hyper-network folder: cannot read " + HypernetCheckpoint.CONFIG + " ("
                            + e.getMessage() + ")",
                    e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
