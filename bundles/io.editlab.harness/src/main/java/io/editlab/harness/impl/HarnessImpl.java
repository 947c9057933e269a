package io.editlab.harness.impl;

import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.host.ProcessMemory;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.plan.EditOrderPlanner;
import io.editlab.api.plan.PlanningContext;
import io.editlab.harness.EditorSpec;
import io.editlab.harness.Harness;
import io.editlab.harness.Protocol;
import io.editlab.harness.RunReport;
import io.editlab.harness.RunReport.Checkpoint;
import io.editlab.harness.RunReport.EditorReport;
import io.editlab.harness.RunRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Runs comparisons with the plugins installed at the moment a run starts. */
@Component(service = Harness.class)
public final class HarnessImpl implements Harness {

    private static final System.Logger LOG = System.getLogger(HarnessImpl.class.getName());

    private final PluginCatalog catalog;

    @Activate
    public HarnessImpl(@Reference PluginCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public RunReport run(RunRequest request, ProgressListener progress) {
        long start = System.nanoTime();
        Protocol protocol = request.protocol();
        List<EditRequest> stream = order(request).subList(0, protocol.edits());
        Map<String, Metric> metrics = metrics(request.metrics());
        Scorer baseScores = new Scorer(request.model(), protocol.generation());
        List<EditorReport> reports = new ArrayList<>();
        for (EditorSpec editor : request.editors()) {
            reports.add(runEditor(request.model(), editor, stream, protocol, metrics, baseScores, progress));
        }
        return new RunReport(request.model().info(), request.dataset(), protocol, reports,
                (System.nanoTime() - start) / 1e9);
    }

    /** The requests in the protocol's order. */
    private List<EditRequest> order(RunRequest request) {
        Protocol protocol = request.protocol();
        List<EditRequest> requests = new ArrayList<>(request.requests());
        switch (protocol.order()) {
            case FILE -> { }
            case SHUFFLE -> Collections.shuffle(requests, new Random(protocol.seed()));
            case PLANNED -> {
                EditOrderPlanner planner = catalog.find(PluginKind.PLANNER, EditOrderPlanner.class, protocol.planner())
                        .orElseThrow(() -> new IllegalArgumentException("no planner '" + protocol.planner()
                                + "' is installed"));
                List<EditRequest> first = requests.subList(0, protocol.edits());
                List<EditRequest> planned = planner.plan(List.copyOf(first), planning(request));
                if (planned.size() != first.size() || !planned.containsAll(first)) {
                    throw new IllegalStateException("planner '" + protocol.planner() + "' did not return a permutation");
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
                ? catalog.plugins(PluginKind.METRIC).stream().map(PluginInfo::name).toList() : requested;
        for (String name : names) {
            metrics.put(name, catalog.find(PluginKind.METRIC, Metric.class, name)
                    .orElseThrow(() -> new IllegalArgumentException("no metric '" + name + "' is installed")));
        }
        return metrics;
    }

    private EditorReport runEditor(ModelHandle model, EditorSpec spec, List<EditRequest> stream, Protocol protocol,
            Map<String, Metric> metrics, Scorer baseScores, ProgressListener progress) {
        String name = spec.method();
        PluginInfo info = catalog.plugins(PluginKind.METHOD).stream().filter(p -> p.name().equals(name)).findFirst()
                .orElse(null);
        EditMethod method = catalog.find(PluginKind.METHOD, EditMethod.class, name).orElse(null);
        if (info == null || method == null) {
            return new EditorReport(name, spec.overrides(), "", "", "failed", "no editing method '" + name
                    + "' is installed", Map.of(), List.of());
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        EditSession session = null;
        Editor editor = null;
        try {
            session = model.openSession("bench:" + name);
            editor = method.create(session, spec.overrides());
            Map<String, Double> finals = edit(model, session, editor, name, stream, protocol, metrics, baseScores,
                    checkpoints, progress);
            return new EditorReport(name, spec.overrides(), info.bundle(), info.version(), "ok", null, finals,
                    checkpoints);
        } catch (Exception | OutOfMemoryError | StackOverflowError | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "editor " + name + " failed", e);
            String error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            return new EditorReport(name, spec.overrides(), info.bundle(), info.version(), "failed", error, Map.of(),
                    checkpoints);
        } finally {
            if (editor != null) {
                close(editor, name);
            }
            if (session != null) {
                session.close();
            }
        }
    }

    /** Applies the stream batch by batch and returns the final values; checkpoints are added as they happen. */
    private Map<String, Double> edit(ModelHandle model, EditSession session, Editor editor, String name,
            List<EditRequest> stream, Protocol protocol, Map<String, Metric> metrics, Scorer baseScores,
            List<Checkpoint> checkpoints, ProgressListener progress) throws Exception {
        List<EditRequest> applied = new ArrayList<>();
        List<EditResult> results = new ArrayList<>();
        List<Map<String, Double>> perBatch = new ArrayList<>();
        long peak = ProcessMemory.residentBytes();
        progress.progress(name + ": editing", 0, stream.size());
        for (int from = 0; from < stream.size(); from += protocol.batchSize()) {
            List<EditRequest> batch = stream.subList(from, Math.min(stream.size(), from + protocol.batchSize()));
            long t0 = System.nanoTime();
            EditResult result = editor.apply(batch);
            long nanos = System.nanoTime() - t0; // measured here, whatever the editor reports
            results.add(new EditResult(result.edits(), nanos, result.touched(), result.stats()));
            applied.addAll(batch);
            peak = Math.max(peak, ProcessMemory.residentBytes());
            requireFinite(session, batch.get(0), name);
            if (protocol.evaluation() == Protocol.Evaluation.EACH) {
                perBatch.add(evaluate(new Evaluation(model, session, batch, results, protocol.generation(),
                        baseScores, peak), metrics));
            }
            int before = applied.size() - batch.size();
            if (protocol.checkpointEvery() > 0
                    && applied.size() / protocol.checkpointEvery() > before / protocol.checkpointEvery()) {
                checkpoints.add(new Checkpoint(applied.size(), evaluate(new Evaluation(model, session, applied, results,
                        protocol.generation(), baseScores, peak), metrics)));
            }
            progress.progress(name + ": editing", applied.size(), stream.size());
        }
        progress.progress(name + ": evaluating", stream.size(), stream.size());
        if (protocol.evaluation() == Protocol.Evaluation.EACH) {
            return average(perBatch);
        }
        return evaluate(new Evaluation(model, session, applied, results, protocol.generation(), baseScores, peak),
                metrics);
    }

    /** A non-finite log-probability after an edit means the editor broke the model. */
    private static void requireFinite(EditSession session, EditRequest probe, String name) {
        float[] logProbs = session.score(List.of(new Completion(probe.prompt(), probe.target()))).get(0).logProbs();
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
