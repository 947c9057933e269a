package io.editlab.harness.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.plan.EditOrderPlanner;
import io.editlab.api.plan.PlanningContext;
import io.editlab.editkit.ProcessMemory;
import io.editlab.harness.ContextCheck;
import io.editlab.harness.EditorSpec;
import io.editlab.harness.Harness;
import io.editlab.harness.Protocol;
import io.editlab.harness.ResumePoint;
import io.editlab.harness.RunListener;
import io.editlab.harness.RunReport;
import io.editlab.harness.RunReport.Checkpoint;
import io.editlab.harness.RunReport.EditorReport;
import io.editlab.harness.RunRequest;
import io.editlab.harness.SessionFiles;
import io.editlab.harness.Streams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Runs comparisons with the plugins installed at the moment a run starts. */
@Component(service = Harness.class)
public final class HarnessImpl implements Harness {

    /** The metric whose fall marks an editor's collapse along a stream. */
    private static final String LOCALITY = "locality";

    private static final System.Logger LOG = System.getLogger(HarnessImpl.class.getName());
    private static final String CANCELLED = "cancelled";

    private final PluginCatalog catalog;

    @Activate
    public HarnessImpl(@Reference PluginCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public RunReport run(RunRequest request, ProgressListener progress) {
        return run(request, new RunListener() {
            @Override
            public void progress(String stage, long done, long total) {
                progress.progress(stage, done, total);
            }
        });
    }

    @Override
    public RunReport run(RunRequest request, RunListener listener) {
        long start = System.nanoTime();
        Protocol protocol = request.protocol();
        List<EditRequest> stream = order(request).subList(0, protocol.edits());
        ContextCheck.check(request.model(), stream);
        Map<String, Metric> metrics = metrics(request.metrics());
        Scorer baseScores = new Scorer(request.model(), protocol.generation());
        List<EditorReport> reports = new ArrayList<>();
        for (EditorSpec editor : request.editors()) {
            EditorReport report = listener.cancelled()
                    ? new EditorReport(
                            editor.method(),
                            editor.overrides(),
                            "",
                            "",
                            CANCELLED,
                            "the run was cancelled",
                            Map.of(),
                            List.of())
                    : runEditor(request, editor, stream, metrics, baseScores, listener);
            listener.editorFinished(report);
            reports.add(report);
        }
        return new RunReport(
                request.model().info(), request.dataset(), protocol, reports, (System.nanoTime() - start) / 1e9);
    }

    /** The requests in the protocol's order. */
    private List<EditRequest> order(RunRequest request) {
        Protocol protocol = request.protocol();
        List<EditRequest> requests = new ArrayList<>(request.requests());
        switch (protocol.order()) {
            case FILE -> {}
            case SHUFFLE -> Collections.shuffle(requests, new Random(protocol.seed()));
            case PLANNED -> {
                EditOrderPlanner planner = catalog.find(PluginKind.PLANNER, EditOrderPlanner.class, protocol.planner())
                        .orElseThrow(() ->
                                new IllegalArgumentException("no planner '" + protocol.planner() + "' is installed"));
                List<EditRequest> first = requests.subList(0, protocol.edits());
                List<EditRequest> planned = planner.plan(List.copyOf(first), planning(request));
                if (planned.size() != first.size() || !planned.containsAll(first)) {
                    throw new IllegalStateException(
                            "planner '" + protocol.planner() + "' did not return a permutation");
                }
                requests = new ArrayList<>(planned);
            }
            default -> throw new IllegalStateException("unknown order " + protocol.order());
        }
        return requests;
    }

    private static PlanningContext planning(RunRequest request) {
        return new PlanningContext() {
            @Override
            public ModelHandle model() {
                return request.model();
            }

            @Override
            public int batchSize() {
                return request.protocol().batchSize();
            }

            @Override
            public long seed() {
                return request.protocol().seed();
            }
        };
    }

    /** The metrics to report, by id, as installed now; unknown requested ids are an error. */
    private Map<String, Metric> metrics(List<String> requested) {
        Map<String, Metric> metrics = new TreeMap<>();
        List<String> names = requested.isEmpty()
                ? catalog.plugins(PluginKind.METRIC).stream()
                        .map(PluginInfo::name)
                        .toList()
                : requested;
        for (String name : names) {
            metrics.put(
                    name,
                    catalog.find(PluginKind.METRIC, Metric.class, name)
                            .orElseThrow(() -> new IllegalArgumentException("no metric '" + name + "' is installed")));
        }
        return metrics;
    }

    private EditorReport runEditor(
            RunRequest request,
            EditorSpec spec,
            List<EditRequest> stream,
            Map<String, Metric> metrics,
            Scorer baseScores,
            RunListener listener) {
        ModelHandle model = request.model();
        String name = spec.method();
        PluginInfo info = catalog.plugins(PluginKind.METHOD).stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElse(null);
        EditMethod method =
                catalog.find(PluginKind.METHOD, EditMethod.class, name).orElse(null);
        if (info == null || method == null) {
            return new EditorReport(
                    name,
                    spec.overrides(),
                    "",
                    "",
                    "failed",
                    "no editing method '" + name + "' is installed",
                    Map.of(),
                    List.of());
        }
        ResumePoint resume = request.resume().get(name);
        Progress progress = new Progress(resume);
        EditSession session = null;
        Editor editor = null;
        try {
            SessionFiles.Opened opened = SessionFiles.open(
                    model, "bench:" + name, method, spec.overrides(), resume == null ? null : resume.snapshot());
            session = opened.session();
            editor = opened.editor();
            Map<String, Double> finals = edit(
                    new Edited(model, opened, name, method),
                    stream,
                    request.protocol(),
                    metrics,
                    baseScores,
                    progress,
                    listener);
            return new EditorReport(
                    name, spec.overrides(), info.bundle(), info.version(), "ok", null, finals, progress.checkpoints);
        } catch (CancellationException e) {
            return new EditorReport(
                    name,
                    spec.overrides(),
                    info.bundle(),
                    info.version(),
                    CANCELLED,
                    "the run was cancelled",
                    Map.of(),
                    progress.checkpoints);
        } catch (Exception | OutOfMemoryError | StackOverflowError | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "editor " + name + " failed", e);
            String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new EditorReport(
                    name,
                    spec.overrides(),
                    info.bundle(),
                    info.version(),
                    "failed",
                    error,
                    Map.of(),
                    progress.checkpoints);
        } finally {
            if (editor != null) {
                close(editor, name);
            }
            if (session != null) {
                session.close();
            }
        }
    }

    /** One editor at work: its session and the method service that made it. */
    private record Edited(ModelHandle model, SessionFiles.Opened opened, String name, EditMethod method) {
        EditSession session() {
            return opened.session();
        }

        Editor editor() {
            return opened.editor();
        }
    }

    /** What an editor has done so far in this run: from the start, or from a resume point. */
    private static final class Progress {
        final int resumedAt;
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final List<Map<String, Double>> perBatch = new ArrayList<>();

        Progress(ResumePoint resume) {
            resumedAt = resume == null ? 0 : resume.edits();
            if (resume != null) {
                checkpoints.addAll(resume.checkpoints());
                perBatch.addAll(resume.perBatch());
            }
        }
    }

    /**
     * Applies the stream batch by batch (from the resume point, if any) and returns the final values;
     * checkpoints are added and reported as they happen.
     */
    private Map<String, Double> edit(
            Edited e,
            List<EditRequest> stream,
            Protocol protocol,
            Map<String, Metric> metrics,
            Scorer baseScores,
            Progress progress,
            RunListener listener)
            throws Exception {
        List<EditRequest> scored = protocol.rephrasings().scored(stream);
        Set<String> sampled = curveSample(scored, protocol);
        List<EditRequest> applied = new ArrayList<>(scored.subList(0, progress.resumedAt));
        Set<String> editedPrompts = Evaluation.prompts(stream.subList(0, progress.resumedAt));
        List<EditResult> results = new ArrayList<>();
        long peak = ProcessMemory.residentBytes();
        int window = 0; // the results since the last checkpoint start here
        listener.progress(e.name() + ": editing", applied.size(), stream.size());
        for (int from = applied.size(); from < stream.size(); from += protocol.batchSize()) {
            if (listener.cancelled()) {
                throw new CancellationException();
            }
            requireInstalled(e);
            int to = Math.min(stream.size(), from + protocol.batchSize());
            long t0 = System.nanoTime();
            EditResult result = e.editor()
                    .applyAtomically(e.session(), protocol.rephrasings().edited(stream.subList(from, to)));
            long nanos = System.nanoTime() - t0; // measured here, whatever the editor reports
            results.add(new EditResult(result.edits(), nanos, result.touched(), result.stats()));
            List<EditRequest> batch = scored.subList(from, to);
            applied.addAll(batch);
            editedPrompts.addAll(Evaluation.prompts(stream.subList(from, to)));
            peak = Math.max(peak, ProcessMemory.residentBytes());
            requireFinite(e.session(), batch.get(0), e.name());
            if (protocol.evaluation() == Protocol.Evaluation.EACH) {
                progress.perBatch.add(evaluate(e, batch, editedPrompts, results, protocol, baseScores, peak, metrics));
            }
            int before = applied.size() - batch.size();
            if (protocol.checkpointEvery() > 0
                    && applied.size() / protocol.checkpointEvery() > before / protocol.checkpointEvery()) {
                Map<String, Double> values = new LinkedHashMap<>(evaluate(
                        e,
                        curve(applied, batch, sampled),
                        editedPrompts,
                        results,
                        protocol,
                        baseScores,
                        peak,
                        metrics));
                evaluate(e, batch, editedPrompts, results, protocol, baseScores, peak, justEdited(metrics))
                        .forEach((metric, value) -> values.put("batch_" + metric, value));
                values.putAll(cost(e.editor(), e.session(), results.subList(window, results.size())));
                window = results.size();
                Checkpoint checkpoint = new Checkpoint(applied.size(), values);
                progress.checkpoints.add(checkpoint);
                listener.checkpoint(e.name(), checkpoint, save(e, applied.size(), progress, listener));
            }
            listener.progress(e.name() + ": editing", applied.size(), stream.size());
        }
        listener.progress(e.name() + ": evaluating", stream.size(), stream.size());
        Map<String, Double> finals = new LinkedHashMap<>(
                protocol.evaluation() == Protocol.Evaluation.EACH
                        ? average(progress.perBatch)
                        : evaluate(e, applied, editedPrompts, results, protocol, baseScores, peak, metrics));
        progress.checkpoints.stream()
                .filter(c -> c.values().getOrDefault(LOCALITY, 1.0)
                        < protocol.curves().collapseFloor())
                .findFirst()
                .ifPresent(c -> finals.put(LOCALITY + "_collapse_at", (double) c.edits()));
        return finals;
    }

    /**
     * What an editor costs at a checkpoint: the mean wall seconds per edit of the apply calls since the
     * previous checkpoint ({@code window_seconds_per_edit}), the process's resident memory now
     * ({@code resident_bytes}) and the size of the editor's own state ({@code state_bytes}: codebooks,
     * codes, experts; what grows with the edits in editors that keep them).
     */
    private static Map<String, Double> cost(Editor editor, EditSession session, List<EditResult> window) {
        Map<String, Double> cost = new LinkedHashMap<>();
        long edits = window.stream().mapToLong(EditResult::edits).sum();
        long nanos = window.stream().mapToLong(EditResult::nanos).sum();
        if (edits > 0) {
            cost.put("window_seconds_per_edit", nanos / 1e9 / edits);
        }
        cost.put("resident_bytes", (double) ProcessMemory.residentBytes());
        try (NDManager scratch = session.manager().newSubManager()) {
            EditorState state = editor.state(scratch);
            long bytes = state.metadata().entrySet().stream()
                    .mapToLong(m -> m.getKey().length() + m.getValue().length())
                    .sum();
            for (NDArray tensor : state.tensors().values()) {
                bytes += tensor.size() * tensor.getDataType().getNumOfBytes();
            }
            cost.put("state_bytes", (double) bytes);
        }
        return cost;
    }

    /** The metrics a checkpoint also reports for the batch just edited ({@code batch_<metric>}). */
    private static Map<String, Metric> justEdited(Map<String, Metric> metrics) {
        Map<String, Metric> kept = new LinkedHashMap<>();
        for (String name : List.of("reliability", "generalization", LOCALITY)) {
            if (metrics.containsKey(name)) {
                kept.put(name, metrics.get(name));
            }
        }
        return kept;
    }

    /**
     * The facts a checkpoint scores with every metric: the earlier ones (all, or those in {@code
     * sampled}) and then the batch just edited, each with its latest edit.
     */
    static List<EditRequest> curve(List<EditRequest> applied, List<EditRequest> batch, Set<String> sampled) {
        if (sampled == null) {
            return applied;
        }
        Set<String> latestBatch = new HashSet<>();
        batch.forEach(request -> latestBatch.add(request.id()));
        List<EditRequest> facts = new ArrayList<>();
        for (EditRequest request : Streams.latest(applied)) {
            if (sampled.contains(request.id()) && !latestBatch.contains(request.id())) {
                facts.add(request);
            }
        }
        facts.addAll(batch);
        return facts;
    }

    /** The ids of the stream's fixed curve sample (drawn with the protocol's seed), or null for all. */
    static Set<String> curveSample(List<EditRequest> stream, Protocol protocol) {
        if (protocol.curves().sample() == 0) {
            return null;
        }
        List<String> ids = new ArrayList<>(
                new LinkedHashSet<>(stream.stream().map(EditRequest::id).toList()));
        Collections.shuffle(ids, new Random(protocol.seed()));
        return Set.copyOf(ids.subList(0, Math.min(ids.size(), protocol.curves().sample())));
    }

    /** Every metric on the session after {@code edited}, each fact counted once with its latest edit. */
    private static Map<String, Double> evaluate(
            Edited e,
            List<EditRequest> edited,
            Set<String> editedPrompts,
            List<EditResult> results,
            Protocol protocol,
            Scorer baseScores,
            long peak,
            Map<String, Metric> metrics) {
        return evaluate(
                new Evaluation(
                        e.model(),
                        e.session(),
                        Streams.latest(edited),
                        editedPrompts,
                        results,
                        protocol.generation(),
                        baseScores,
                        peak),
                metrics);
    }

    /** Saves the session and the editor's state where the listener asks, and says how to resume from there. */
    private static ResumePoint save(Edited e, int edits, Progress progress, RunListener listener) throws IOException {
        Path file = listener.checkpointFile(e.name(), edits);
        if (file == null) {
            return null;
        }
        SessionFiles.save(e.opened(), file);
        return new ResumePoint(edits, file, progress.checkpoints, progress.perBatch);
    }

    /** An editor whose method was uninstalled (or replaced) since it was created must not go on. */
    private void requireInstalled(Edited e) {
        boolean installed = catalog.find(PluginKind.METHOD, EditMethod.class, e.name())
                .filter(current -> current == e.method())
                .isPresent();
        if (!installed) {
            throw new IllegalStateException(
                    "editing method '" + e.name() + "' was uninstalled or replaced during the" + " run");
        }
    }

    /** A non-finite log-probability after an edit means the editor broke the model. */
    private static void requireFinite(EditSession session, EditRequest probe, String name) {
        float[] logProbs = session.score(List.of(new Completion(probe.prompt(), probe.target())))
                .get(0)
                .logProbs();
        for (float p : logProbs) {
            if (!Float.isFinite(p) && p != Float.NEGATIVE_INFINITY) {
                throw new IllegalStateException(name + " produced NaN: the edited model's scores are not numbers");
            }
        }
    }

    /** Every metric's value and details, flattened: {@code metric}, {@code metric_detail}. */
    static Map<String, Double> evaluate(Evaluation evaluation, Map<String, Metric> metrics) {
        Map<String, Double> values = new LinkedHashMap<>();
        metrics.forEach((name, metric) -> {
            try {
                MetricResult result = metric.evaluate(evaluation);
                values.put(name, result.value());
                result.details().forEach((detail, value) -> values.put(name + "_" + detail, value));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "metric " + name + " failed", e);
                values.put(name, Double.NaN);
            }
        });
        return values;
    }

    /** The mean of each key over the maps that have a number for it. */
    static Map<String, Double> average(List<Map<String, Double>> maps) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (Map<String, Double> map : maps) {
            map.forEach((key, value) -> {
                double[] sum = sums.computeIfAbsent(key, k -> new double[2]);
                if (!value.isNaN()) {
                    sum[0] += value;
                    sum[1]++;
                }
            });
        }
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((key, sum) -> means.put(key, sum[1] == 0 ? Double.NaN : sum[0] / sum[1]));
        return means;
    }

    private static void close(Editor editor, String name) {
        try {
            editor.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "editor " + name + " failed to close", e);
        }
    }
}
