package io.editlab.server.impl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.editlab.api.data.DatasetException;
import io.editlab.api.data.DatasetReader;
import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.harness.ContextCheck;
import io.editlab.harness.DatasetInfo;
import io.editlab.harness.EditorSpec;
import io.editlab.harness.Harness;
import io.editlab.harness.HtmlReport;
import io.editlab.harness.Protocol;
import io.editlab.harness.Reports;
import io.editlab.harness.ResumePoint;
import io.editlab.harness.RunListener;
import io.editlab.harness.RunReport;
import io.editlab.harness.RunReport.Checkpoint;
import io.editlab.harness.RunReport.EditorReport;
import io.editlab.harness.RunRequest;
import io.editlab.harness.Streams;
import io.editlab.host.source.Facts;
import io.editlab.host.source.Worlds;
import io.editlab.store.CheckpointRecord;
import io.editlab.store.HostStore;
import io.editlab.store.RunEditorRecord;
import io.editlab.store.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Comparison runs of the host: queued and run one at a time by the harness, followed live (progress,
 * checkpoints, finished editors) through {@link #subscribe}, recorded in the store as they happen,
 * with a resumable checkpoint of the current editor at every checkpoint. Runs that were going when
 * the host stopped are marked interrupted at the next start and can be resumed.
 */
@Component(
        service = HostRuns.class,
        configurationPid = ServerConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class HostRuns {

    private static final System.Logger LOG = System.getLogger(HostRuns.class.getName());
    static final Set<String> FIELDS = Set.of(
            "model",
            "data",
            "format",
            "editors",
            "config",
            "edits",
            "batch",
            "eval",
            "order",
            "seed",
            "checkpoint",
            "generation",
            "rephrasings",
            "curve_sample",
            "collapse_floor",
            "stream",
            "metrics");

    /** One server-sent event. */
    record Event(String name, JsonElement data) {}

    /** What a run is doing now, and who follows it. */
    private static final class Live {
        volatile boolean cancelled;
        volatile JsonObject progress = new JsonObject();
        final List<BlockingQueue<Event>> followers = new CopyOnWriteArrayList<>();

        void publish(Event event) {
            followers.forEach(queue -> queue.offer(event));
        }
    }

    private final Harness harness;
    private final ModelRuntime runtime;
    private final PluginCatalog catalog;
    private final HostStore store;
    private final Path folder;
    private final String defaultModel;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "editlab-runs"));

    @Activate
    public HostRuns(
            @Reference Harness harness,
            @Reference ModelRuntime runtime,
            @Reference PluginCatalog catalog,
            @Reference HostStore store,
            ServerConfig config) {
        this.harness = harness;
        this.runtime = runtime;
        this.catalog = catalog;
        this.store = store;
        this.folder = Path.of(config.dataDir()).resolve("runs");
        this.defaultModel = config.defaultModel();
        List<String> interrupted = store.interruptRuns(Instant.now());
        if (!interrupted.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "runs interrupted by the last stop: " + interrupted);
        }
    }

    @Deactivate
    void stop() throws InterruptedException {
        live.values().forEach(run -> run.cancelled = true);
        executor.shutdown();
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }

    /** Validates a run request, queues it and returns its id. */
    String submit(Json body) {
        RunRequest request = prepare(body, List.of(), Map.of());
        String id = "r-" + UUID.randomUUID().toString().substring(0, 8);
        store.addRun(
                id,
                body.toString(),
                Instant.now(),
                request.editors().stream().map(EditorSpec::method).toList());
        schedule(id, request, List.of());
        return id;
    }

    /** Queues an interrupted run again, resuming each unfinished editor from its last checkpoint. */
    void resume(String id) {
        RunRecord run = store.run(id).orElseThrow(() -> ApiException.notFound("no run " + id));
        if (!run.status().equals(RunRecord.INTERRUPTED)) {
            throw ApiException.conflict("run " + id + " is " + run.status() + "; only interrupted runs resume");
        }
        List<EditorReport> done = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        Map<String, ResumePoint> resume = new LinkedHashMap<>();
        for (RunEditorRecord editor : store.editors(id)) {
            if (editor.report() != null) {
                done.add(Reports.editor(JsonParser.parseString(editor.report()).getAsJsonObject()));
                continue;
            }
            remaining.add(editor.editor());
            if (editor.resume() != null) {
                resume.put(editor.editor(), resumePoint(id, editor));
            }
        }
        RunRequest request = prepare(Json.object(run.spec(), FIELDS), remaining, resume);
        store.setRunStatus(id, RunRecord.QUEUED, null, null);
        schedule(id, request, done);
    }

    private ResumePoint resumePoint(String id, RunEditorRecord editor) {
        JsonObject json = JsonParser.parseString(editor.resume()).getAsJsonObject();
        int edits = json.get("edits").getAsInt();
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (CheckpointRecord record : store.checkpoints(id)) {
            if (record.editor().equals(editor.editor()) && record.edits() <= edits) {
                checkpoints.add(Reports.checkpoint(
                        JsonParser.parseString(record.values()).getAsJsonObject()));
            }
        }
        List<Map<String, Double>> perBatch = new ArrayList<>();
        for (JsonElement batch : json.getAsJsonArray("per_batch")) {
            perBatch.add(Reports.checkpoint(batch.getAsJsonObject()).values());
        }
        return new ResumePoint(edits, Path.of(json.get("snapshot").getAsString()), checkpoints, perBatch);
    }

    /**
     * Builds the harness request of a run body; {@code only} (when not empty) limits it to those
     * editors, resumed from {@code resume}.
     */
    private RunRequest prepare(Json body, List<String> only, Map<String, ResumePoint> resume) {
        String modelId = body.string("model", defaultModel);
        ModelHandle model = runtime.model(modelId)
                .orElseThrow(() -> ApiException.badRequest(
                        "field 'model': no model " + Text.quote(modelId) + " is loaded (POST /api/models loads one)"));
        String data = body.string("data", Worlds.BUILTIN);
        List<EditRequest> requests;
        DatasetInfo dataset;
        if (Worlds.names(data)) {
            KnowledgeCorpus world = catalog.find(PluginKind.CORPUS, KnowledgeCorpus.class, Worlds.BUILTIN)
                    .orElseThrow(() -> ApiException.badRequest("the built-in world is not installed"));
            try {
                requests = Worlds.of(world, data).edits();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("field 'data': " + e.getMessage());
            }
            dataset = new DatasetInfo(data, "corpus", requests.size());
        } else {
            if (data.length() > HostModels.MAX_PATH || data.indexOf('\0') >= 0) {
                throw ApiException.badRequest("field 'data': " + Text.quote(data) + " is not a file name (at most "
                        + HostModels.MAX_PATH + " characters, no NUL)");
            }
            Path file = Path.of(data);
            if (!Files.isRegularFile(file)) {
                throw ApiException.badRequest("field 'data': no file "
                        + Text.quote(file.toAbsolutePath().toString()) + " on the host");
            }
            String format = body.string("format", null);
            if (format != null
                    && catalog.find(PluginKind.DATASET, DatasetReader.class, format)
                            .isEmpty()) {
                throw ApiException.badRequest("field 'format': no data-set reader " + Text.quote(format) + " is"
                        + " installed (GET /api/datasets lists them)");
            }
            try {
                requests = Facts.read(catalog, file, format);
                dataset = new DatasetInfo(
                        file.toAbsolutePath().toString(),
                        format != null ? format : Facts.detectFormat(file),
                        requests.size());
            } catch (DatasetException | IllegalStateException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        String stream = body.string("stream", null);
        if (stream != null) {
            try {
                requests = Streams.of(stream, requests, body.integer("seed", 7, Integer.MIN_VALUE, Integer.MAX_VALUE));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("field 'stream': " + e.getMessage());
            }
            dataset = new DatasetInfo(dataset.path() + " (" + stream + ")", dataset.format(), requests.size());
        }
        int edits = body.integer("edits", Math.min(100, requests.size()), 1, requests.size());
        try {
            ContextCheck.check(model, requests); // any of them may be in the stream, whatever the order
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ApiException.badRequest("field 'data': " + e.getMessage());
        }
        Protocol protocol;
        try {
            protocol = Protocol.of(
                            edits,
                            body.integer("batch", 1, 1, edits),
                            body.string("order", "file"),
                            body.string("eval", "final"),
                            body.integer("seed", 7, Integer.MIN_VALUE, Integer.MAX_VALUE),
                            body.integer("checkpoint", Math.max(1, edits / 10), 0, edits),
                            body.bool("generation", false),
                            body.string("rephrasings", "held-out"))
                    .withCurves(new Protocol.Curves(
                            body.integer("curve_sample", 0, 0, Integer.MAX_VALUE),
                            body.number("collapse_floor", Protocol.Curves.ALL.collapseFloor(), 0, 1)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        List<String> names = body.strings("editors");
        if (names.isEmpty()) {
            throw ApiException.badRequest("field 'editors' must name at least one editing method");
        }
        for (int i = 0; i < names.size(); i++) {
            if (names.indexOf(names.get(i)) != i) {
                throw ApiException.badRequest("field 'editors[" + i + "]': " + Text.quote(names.get(i)) + " is named"
                        + " twice; each editor runs once per run (compare settings in separate runs)");
            }
            String name = names.get(i);
            if (catalog.find(PluginKind.METHOD, EditMethod.class, name).isEmpty()) {
                throw ApiException.badRequest(
                        "field 'editors[" + i + "]': no editing method " + Text.quote(name) + " is installed");
            }
        }
        Map<String, Map<String, String>> config = new LinkedHashMap<>();
        if (body.has("config")) {
            JsonObject given = body.objectField("config");
            for (String editor : given.keySet()) {
                if (!names.contains(editor)) {
                    throw ApiException.badRequest("field 'config' names editor " + Text.quote(editor) + ", which is not"
                            + " in field 'editors'");
                }
            }
            Json configs = Json.item(given, "config", Set.copyOf(names));
            given.keySet().forEach(editor -> config.put(editor, configs.stringMap(editor)));
        }
        List<EditorSpec> editors = names.stream()
                .filter(n -> only.isEmpty() || only.contains(n))
                .map(n -> new EditorSpec(n, config.getOrDefault(n, Map.of())))
                .toList();
        return new RunRequest(model, dataset, requests, editors, protocol, body.strings("metrics"), resume);
    }

    private void schedule(String id, RunRequest request, List<EditorReport> done) {
        Live run = new Live();
        live.put(id, run);
        executor.submit(() -> execute(id, request, done, run));
    }

    private void execute(String id, RunRequest request, List<EditorReport> done, Live run) {
        if (run.cancelled) {
            finish(id, run, RunRecord.CANCELLED, "cancelled before it started");
            return;
        }
        store.setRunStatus(id, RunRecord.RUNNING, null, Instant.now());
        run.publish(status(RunRecord.RUNNING));
        try {
            RunReport report = harness.run(request, new Listener(id, run));
            List<EditorReport> editors = new ArrayList<>(done);
            editors.addAll(report.editors());
            RunReport whole =
                    new RunReport(report.model(), report.dataset(), report.protocol(), editors, report.seconds());
            Path out = folder.resolve(id);
            Reports.write(whole, out);
            HtmlReport.write(whole, out);
            store.setRunResults(id, Reports.json(whole).toString());
            finish(id, run, run.cancelled ? RunRecord.CANCELLED : RunRecord.FINISHED, null);
        } catch (Exception | LinkageError | OutOfMemoryError e) {
            LOG.log(System.Logger.Level.WARNING, "run " + id + " failed", e);
            finish(id, run, RunRecord.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void finish(String id, Live run, String status, String error) {
        store.setRunStatus(id, status, error, Instant.now());
        live.remove(id);
        run.publish(status(status));
    }

    private static Event status(String status) {
        JsonObject data = new JsonObject();
        data.addProperty("status", status);
        return new Event("status", data);
    }

    /** Records and publishes what the harness reports. */
    private final class Listener implements RunListener {
        private final String id;
        private final Live run;

        Listener(String id, Live run) {
            this.id = id;
            this.run = run;
        }

        @Override
        public void progress(String stage, long done, long total) {
            JsonObject progress = new JsonObject();
            progress.addProperty("stage", stage);
            progress.addProperty("done", done);
            progress.addProperty("total", total);
            run.progress = progress;
            run.publish(new Event("progress", progress));
        }

        @Override
        public Path checkpointFile(String editor, int edits) {
            return folder.resolve(id)
                    .resolve("checkpoint-" + editor.replaceAll("[^A-Za-z0-9._-]", "_") + ".safetensors");
        }

        @Override
        public void checkpoint(String editor, Checkpoint checkpoint, ResumePoint resume) {
            JsonObject values = Reports.json(checkpoint);
            store.addCheckpoint(id, editor, checkpoint.edits(), values.toString());
            if (resume != null) {
                JsonObject json = new JsonObject();
                json.addProperty("edits", resume.edits());
                json.addProperty("snapshot", resume.snapshot().toString());
                JsonArray perBatch = new JsonArray();
                resume.perBatch().forEach(v -> perBatch.add(Reports.json(new Checkpoint(0, v))));
                json.add("per_batch", perBatch);
                store.setEditorResume(id, editor, json.toString());
            }
            run.publish(new Event("checkpoint", checkpointEvent(editor, values)));
        }

        @Override
        public void editorFinished(EditorReport report) {
            JsonObject json = Reports.json(report);
            store.setEditorReport(id, report.name(), report.status(), json.toString());
            run.publish(new Event("editor", json));
        }

        @Override
        public boolean cancelled() {
            return run.cancelled;
        }
    }

    private static JsonObject checkpointEvent(String editor, JsonObject values) {
        JsonObject event = new JsonObject();
        event.addProperty("editor", editor);
        event.addProperty("edits", values.get("edits").getAsInt());
        JsonObject rest = values.deepCopy();
        rest.remove("edits");
        event.add("values", rest);
        return event;
    }

    /** Asks a queued or running run to stop. */
    void cancel(String id) {
        RunRecord record = store.run(id).orElseThrow(() -> ApiException.notFound("no run " + id));
        Live run = live.get(id);
        if (run == null || record.ended()) {
            throw ApiException.conflict(
                    "run " + id + " is " + record.status() + "; only queued or running runs cancel");
        }
        run.cancelled = true;
    }

    /**
     * Follows a run: the queue first holds its past checkpoints (and, if it has ended, its final
     * status), then receives events as they happen. Call {@link #unsubscribe} when done.
     */
    BlockingQueue<Event> subscribe(String id) {
        RunRecord record = store.run(id).orElseThrow(() -> ApiException.notFound("no run " + id));
        BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        Live run = live.get(id);
        if (run != null) {
            run.followers.add(queue);
        }
        for (CheckpointRecord checkpoint : store.checkpoints(id)) {
            queue.add(new Event(
                    "checkpoint",
                    checkpointEvent(
                            checkpoint.editor(),
                            JsonParser.parseString(checkpoint.values()).getAsJsonObject())));
        }
        RunRecord now = store.run(id).orElse(record);
        if (run == null || now.ended()) {
            queue.add(status(now.status()));
        }
        return queue;
    }

    void unsubscribe(String id, BlockingQueue<Event> queue) {
        Live run = live.get(id);
        if (run != null) {
            run.followers.remove(queue);
        }
    }

    JsonArray list() {
        JsonArray runs = new JsonArray();
        store.runs().forEach(run -> runs.add(describe(run, false)));
        return runs;
    }

    JsonObject get(String id) {
        return describe(store.run(id).orElseThrow(() -> ApiException.notFound("no run " + id)), true);
    }

    /** results.json of a finished run. */
    String results(String id) {
        RunRecord run = store.run(id).orElseThrow(() -> ApiException.notFound("no run " + id));
        if (run.results() == null) {
            throw ApiException.notFound("run " + id + " has no results (it is " + run.status() + ")");
        }
        return run.results();
    }

    private JsonObject describe(RunRecord run, boolean details) {
        JsonObject json = new JsonObject();
        json.addProperty("id", run.id());
        json.addProperty("status", run.status());
        json.addProperty("created", String.valueOf(run.created()));
        json.addProperty("started", run.started() == null ? null : run.started().toString());
        json.addProperty(
                "finished", run.finished() == null ? null : run.finished().toString());
        json.addProperty("error", run.error());
        json.add("spec", JsonParser.parseString(run.spec()));
        Live current = live.get(run.id());
        json.add("progress", current == null ? null : current.progress);
        if (details) {
            JsonObject checkpoints = new JsonObject();
            for (CheckpointRecord checkpoint : store.checkpoints(run.id())) {
                if (!checkpoints.has(checkpoint.editor())) {
                    checkpoints.add(checkpoint.editor(), new JsonArray());
                }
                checkpoints.getAsJsonArray(checkpoint.editor()).add(JsonParser.parseString(checkpoint.values()));
            }
            json.add("checkpoints", checkpoints);
            json.add("results", run.results() == null ? null : JsonParser.parseString(run.results()));
        }
        return json;
    }
}
