package io.editlab.server.impl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.reflect.TypeToken;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.Completion;
import io.editlab.api.model.LanguageModel;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.model.SessionTransaction;
import io.editlab.api.model.TargetScore;
import io.editlab.harness.SessionFiles;
import io.editlab.store.BatchRecord;
import io.editlab.store.HostStore;
import io.editlab.store.SessionRecord;
import io.editlab.store.SnapshotRecord;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The host's interactive sessions, journaled: every applied batch is recorded with the state file
 * written after it (the last {@code journalKeep} files are kept, for roll-back), so a host killed at
 * any moment reopens every session at its last applied batch. A session's calls run one at a time.
 */
@Component(
        service = HostSessions.class,
        configurationPid = ServerConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class HostSessions {

    private static final System.Logger LOG = System.getLogger(HostSessions.class.getName());
    private static final Type CONFIG = new TypeToken<Map<String, String>>() {}.getType();
    static final Set<String> EDIT_FIELDS =
            Set.of("prompt", "target", "subject", "ground_truth", "rephrases", "locality");

    private final ModelRuntime runtime;
    private final PluginCatalog catalog;
    private final HostStore store;
    private final Path folder;
    private final String defaultModel;
    private final int keep;
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Sessions in the store that could not be reopened, with why. */
    private final Map<String, String> detached = new ConcurrentHashMap<>();

    /** How long a call waits for a session that is busy with another call. */
    static final long WAIT_SECONDS = 5;

    /**
     * An open session: its record (current counters) and its editor. Its calls take {@link #lock}
     * one at a time; {@link #closing} asks the call that holds it to close the session when done.
     */
    private static final class Live {
        final ReentrantLock lock = new ReentrantLock();
        volatile boolean closing;
        boolean closed;
        SessionRecord record;
        SessionFiles.Opened opened;

        Live(SessionRecord record, SessionFiles.Opened opened) {
            this.record = record;
            this.opened = opened;
        }

        void close() {
            opened.editor().close();
            opened.session().close();
        }
    }

    /**
     * Reopens the sessions of the store. {@code models} is required so that the models loaded through
     * the API are loaded again before.
     */
    @Activate
    public HostSessions(
            @Reference ModelRuntime runtime,
            @Reference HostModels models,
            @Reference PluginCatalog catalog,
            @Reference HostStore store,
            ServerConfig config) {
        this.runtime = runtime;
        this.catalog = catalog;
        this.store = store;
        this.folder = Path.of(config.dataDir()).resolve("sessions");
        this.defaultModel = config.defaultModel();
        this.keep = Math.max(1, config.journalKeep());
        for (SessionRecord record : store.sessions()) {
            try {
                live.put(record.id(), new Live(record, open(record, record.head())));
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "session " + record.id() + " could not be reopened", e);
                detached.put(record.id(), e.getMessage());
            }
        }
    }

    @Deactivate
    void close() {
        for (Live session : live.values()) {
            session.lock.lock();
            try {
                session.close();
            } finally {
                session.lock.unlock();
            }
        }
        live.clear();
    }

    /** Creates a session and returns its id. */
    String create(String editor, Map<String, String> config, String model, String name) {
        if (name != null && (name.isBlank() || name.length() > 200)) {
            throw ApiException.badRequest("field 'name' must be 1 to 200 characters, not blank");
        }
        String id = "s-" + UUID.randomUUID().toString().substring(0, 8);
        SessionRecord record = new SessionRecord(
                id,
                name == null ? editor : name,
                model == null ? defaultModel : model,
                editor,
                Json.GSON.toJson(config),
                Instant.now(),
                null,
                0,
                0);
        SessionFiles.Opened opened;
        try {
            opened = open(record, null);
        } catch (EditException | IllegalArgumentException e) {
            throw ApiException.badRequest("editor '" + editor + "' refused the configuration: " + e.getMessage());
        }
        // the session keeps the complete options it was made with, whatever the defaults become
        record = new SessionRecord(
                id,
                record.name(),
                record.model(),
                editor,
                Json.GSON.toJson(opened.options().values()),
                record.created(),
                null,
                0,
                0);
        try {
            store.addSession(record);
        } catch (RuntimeException e) {
            opened.editor().close();
            opened.session().close();
            throw e;
        }
        live.put(id, new Live(record, opened));
        return id;
    }

    private SessionFiles.Opened open(SessionRecord record, String file) throws EditException {
        ModelHandle model = runtime.model(record.model())
                .orElseThrow(() -> ApiException.badRequest("no model " + Text.quote(record.model()) + " is loaded"));
        EditMethod method = catalog.find(PluginKind.METHOD, EditMethod.class, record.editor())
                .orElseThrow(() ->
                        ApiException.badRequest("no editing method " + Text.quote(record.editor()) + " is installed"));
        Map<String, String> config = Json.GSON.fromJson(record.config(), CONFIG);
        try {
            return SessionFiles.open(model, "api:" + record.id(), method, config, file == null ? null : Path.of(file));
        } catch (ModelException e) {
            throw new IllegalStateException(
                    "session " + record.id() + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Live live(String id) {
        Live session = live.get(id);
        if (session == null) {
            String why = detached.get(id);
            throw why != null
                    ? ApiException.conflict("session " + id + " could not be reopened: " + why)
                    : ApiException.notFound("no session " + Text.escape(id));
        }
        return session;
    }

    /** Applies a batch; a failing editor leaves the session as it was before the batch. */
    JsonObject apply(String id, List<EditRequest> batch) {
        return locked(id, session -> {
            int seq = session.record.batches() + 1;
            long t0 = System.nanoTime();
            try {
                session.opened.editor().applyAtomically(session.opened.session(), batch);
            } catch (Exception | LinkageError | OutOfMemoryError e) {
                if (e instanceof SessionTransaction.RollbackFailedException) {
                    reopen(session, session.record.head()); // the journal's last batch is the truth
                }
                throw new ApiException(
                        422,
                        "editor '" + session.record.editor() + "' failed on this batch ("
                                + e.getClass().getSimpleName() + ": " + e.getMessage()
                                + "); the session is as it was before it");
            }
            if (session.closing) {
                throw ApiException.conflict(
                        "session " + id + " was closed while this batch ran; the batch is discarded");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Path file = folder.resolve(id).resolve("batch-" + seq + ".safetensors");
            try {
                SessionFiles.save(session.opened, file);
            } catch (IOException e) {
                reopen(session, session.record.head());
                throw new ApiException(
                        500,
                        "the batch was applied but could not be journaled (" + e.getMessage()
                                + "); the session is as it was before it");
            }
            store.addBatch(new BatchRecord(
                    id, seq, requests(batch).toString(), batch.size(), file.toString(), seconds, Instant.now()));
            session.record = store.session(id).orElseThrow();
            prune(id, seq);
            JsonObject result = new JsonObject();
            result.addProperty("batch", seq);
            result.addProperty("edits", session.record.edits());
            result.addProperty("seconds", seconds);
            return result;
        });
    }

    /**
     * Runs {@code call} holding the session's lock, waiting at most {@link #WAIT_SECONDS} for it;
     * closes the session afterwards when it was closed meanwhile.
     */
    private <T> T locked(String id, Function<Live, T> call) {
        Live session = live(id);
        try {
            if (!session.lock.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw ApiException.conflict(
                        "session " + id + " is busy with another call (e.g. applying a batch);" + " try again later");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.conflict("session " + id + ": interrupted while waiting for it");
        }
        try {
            if (session.closing) {
                throw ApiException.notFound("no session " + id + " (it was closed)");
            }
            return call.apply(session);
        } finally {
            finishClose(session);
            session.lock.unlock();
            if (session.closing && session.lock.tryLock()) {
                try {
                    finishClose(session);
                } finally {
                    session.lock.unlock();
                }
            }
        }
    }

    /** Closes a session marked closing, once; the caller holds its lock. */
    private void finishClose(Live session) {
        if (session.closing && !session.closed) {
            session.closed = true;
            session.close();
            store.removeSession(session.record.id());
            deleteTree(folder.resolve(session.record.id()));
        }
    }

    /** Deletes the state files of batches older than the last {@code keep}. */
    private void prune(String id, int newest) {
        for (BatchRecord batch : store.batches(id)) {
            if (batch.file() != null && batch.seq() <= newest - keep) {
                delete(Path.of(batch.file()));
                store.forgetBatchFile(id, batch.seq());
            }
        }
    }

    /** Undoes the last batch. */
    JsonObject rollback(String id) {
        return locked(id, session -> {
            int batches = session.record.batches();
            List<BatchRecord> journal = store.batches(id);
            BatchRecord last = journal.stream()
                    .filter(b -> b.seq() == batches)
                    .findFirst()
                    .orElseThrow(() -> ApiException.conflict("session " + id + " has no batch to roll back"));
            String previous = null;
            if (batches > 1) {
                previous = journal.stream()
                        .filter(b -> b.seq() == batches - 1)
                        .findFirst()
                        .map(BatchRecord::file)
                        .orElse(null); // a pruned batch has no file
                if (previous == null) {
                    throw ApiException.conflict("the state before batch " + batches + " is no longer kept (the last "
                            + keep + " batches are)");
                }
            }
            reopen(session, previous);
            store.resetSession(id, previous, batches - 1, session.record.edits() - last.editCount());
            if (last.file() != null) {
                delete(Path.of(last.file()));
            }
            session.record = store.session(id).orElseThrow();
            return describe(session);
        });
    }

    /**
     * Keeps the session's current state under the next snapshot number. The file is written under a
     * temporary name and renamed, then recorded; a failure at any step leaves neither file nor row.
     */
    JsonObject snapshot(String id, String label) {
        return locked(id, session -> {
            int number = store.snapshots(id).stream()
                            .mapToInt(SnapshotRecord::number)
                            .max()
                            .orElse(0)
                    + 1;
            Path copy = null;
            try {
                if (session.record.head() != null) {
                    copy = folder.resolve(id).resolve("snapshot-" + number + ".safetensors");
                    Path partial = copy.resolveSibling(copy.getFileName() + ".partial");
                    Files.copy(Path.of(session.record.head()), partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
                store.addSnapshot(new SnapshotRecord(
                        id,
                        number,
                        label,
                        session.record.batches(),
                        session.record.edits(),
                        copy == null ? null : copy.toString(),
                        Instant.now()));
            } catch (IOException | RuntimeException e) {
                if (copy != null) {
                    delete(copy);
                    delete(copy.resolveSibling(copy.getFileName() + ".partial"));
                }
                throw new ApiException(
                        500,
                        "cannot write snapshot " + number + " of session " + id + ": " + e.getMessage()
                                + "; nothing was kept");
            }
            JsonObject result = new JsonObject();
            result.addProperty("number", number);
            return result;
        });
    }

    JsonObject restore(String id, int number) {
        return locked(id, session -> {
            SnapshotRecord snapshot = store.snapshots(id).stream()
                    .filter(s -> s.number() == number)
                    .findFirst()
                    .orElseThrow(() -> ApiException.notFound("session " + id + " has no snapshot " + number));
            reopen(session, snapshot.file());
            for (BatchRecord batch : store.batches(id)) {
                if (batch.seq() > snapshot.batches() && batch.file() != null) {
                    delete(Path.of(batch.file()));
                }
            }
            store.resetSession(id, snapshot.file(), snapshot.batches(), snapshot.edits());
            session.record = store.session(id).orElseThrow();
            return describe(session);
        });
    }

    /** Replaces the session's editor and session by ones opened from {@code file} (null: unedited). */
    private void reopen(Live session, String file) {
        session.close();
        try {
            session.opened = open(session.record, file);
        } catch (EditException | RuntimeException e) {
            live.remove(session.record.id());
            detached.put(session.record.id(), e.getMessage());
            throw new ApiException(500, "session " + session.record.id() + " could not be reopened: " + e.getMessage());
        }
    }

    /** Base and edited greedy continuations of a prompt. */
    JsonObject generate(String id, String prompt, int tokens) {
        return baseAndEdited(
                id,
                model -> new JsonPrimitive(
                        model.generate(List.of(prompt), tokens).get(0).text()));
    }

    /** Base and edited teacher-forced scores of a target. */
    JsonObject score(String id, String prompt, String target) {
        return baseAndEdited(id, model -> score(model, prompt, target));
    }

    /** What the unedited model and the session answer to the same question. */
    private JsonObject baseAndEdited(String id, Function<LanguageModel, JsonElement> ask) {
        return locked(id, session -> {
            JsonObject result = new JsonObject();
            try {
                result.add("base", ask.apply(session.opened.session().model()));
                result.add("edited", ask.apply(session.opened.session()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            return result;
        });
    }

    private static JsonObject score(LanguageModel model, String prompt, String target) {
        TargetScore score = model.score(List.of(new Completion(prompt, target))).get(0);
        JsonObject json = new JsonObject();
        json.addProperty("log_prob", score.meanLogProb());
        json.addProperty("token_accuracy", score.tokenAccuracy());
        json.addProperty("exact", score.exactMatch());
        return json;
    }

    /** Closes a session and forgets it and its files. */
    /**
     * Closes a session and forgets it and its files. Answers at once: a session busy with a call is
     * closed by that call when it ends (a batch being applied is then discarded).
     */
    void close(String id) {
        Live session = live.remove(id);
        if (session == null) {
            if (detached.remove(id) == null) {
                throw ApiException.notFound("no session " + Text.escape(id));
            }
            store.removeSession(id);
            deleteTree(folder.resolve(id));
            return;
        }
        session.closing = true;
        if (session.lock.tryLock()) {
            try {
                finishClose(session);
            } finally {
                session.lock.unlock();
            }
        }
    }

    JsonArray list() {
        JsonArray sessions = new JsonArray();
        for (SessionRecord record : store.sessions()) {
            Live session = live.get(record.id());
            if (session != null) {
                sessions.add(describe(session));
            } else if (detached.containsKey(record.id())) {
                JsonObject json = describe(record);
                json.addProperty("state", "detached");
                json.addProperty("error", detached.get(record.id()));
                sessions.add(json);
            }
        }
        return sessions;
    }

    JsonObject get(String id) {
        return describe(live(id));
    }

    private JsonObject describe(Live session) {
        JsonObject json = describe(session.record);
        json.addProperty("state", "open");
        return json;
    }

    private JsonObject describe(SessionRecord record) {
        JsonObject json = new JsonObject();
        json.addProperty("id", record.id());
        json.addProperty("name", record.name());
        json.addProperty("editor", record.editor());
        json.addProperty("model", record.model());
        json.add("config", Json.GSON.fromJson(record.config(), JsonObject.class));
        json.addProperty("batches", record.batches());
        json.addProperty("edits", record.edits());
        json.addProperty("created", record.created().toString());
        JsonArray snapshots = new JsonArray();
        for (SnapshotRecord snapshot : store.snapshots(record.id())) {
            JsonObject s = new JsonObject();
            s.addProperty("number", snapshot.number());
            s.addProperty("label", snapshot.label());
            s.addProperty("batches", snapshot.batches());
            s.addProperty("edits", snapshot.edits());
            s.addProperty("created", snapshot.created().toString());
            snapshots.add(s);
        }
        json.add("snapshots", snapshots);
        return json;
    }

    /** Edit requests of a request body's {@code edits} array. */
    static List<EditRequest> parseEdits(JsonArray edits, String prefix) {
        if (edits.isEmpty()) {
            throw ApiException.badRequest("field 'edits' must hold at least one edit");
        }
        List<EditRequest> requests = new ArrayList<>();
        for (JsonElement element : edits) {
            String where = "edits[" + requests.size() + "]";
            Json edit = Json.item(element, where, EDIT_FIELDS);
            List<Probe> locality = new ArrayList<>();
            for (JsonElement probe : edit.array("locality")) {
                Json p = Json.item(probe, where + ".locality[" + locality.size() + "]", Set.of("prompt", "answer"));
                locality.add(new Probe(p.string("prompt"), p.string("answer")));
            }
            String prompt = edit.string("prompt");
            String target = edit.string("target");
            if (prompt.isBlank() || target.isBlank()) {
                throw ApiException.badRequest("'" + where + "': prompt and target must not be blank");
            }
            requests.add(new EditRequest(
                    prefix + requests.size(),
                    prompt,
                    target,
                    edit.string("subject", null),
                    edit.string("ground_truth", null),
                    edit.strings("rephrases"),
                    locality,
                    List.of()));
        }
        return requests;
    }

    private static JsonArray requests(List<EditRequest> batch) {
        JsonArray array = new JsonArray();
        for (EditRequest request : batch) {
            JsonObject json = new JsonObject();
            json.addProperty("prompt", request.prompt());
            json.addProperty("target", request.target());
            json.addProperty("subject", request.subject());
            json.addProperty("ground_truth", request.groundTruth());
            json.add("rephrases", Json.GSON.toJsonTree(request.rephrases()));
            JsonArray locality = new JsonArray();
            for (Probe probe : request.locality()) {
                JsonObject p = new JsonObject();
                p.addProperty("prompt", probe.prompt());
                p.addProperty("answer", probe.answer());
                locality.add(p);
            }
            json.add("locality", locality);
            array.add(json);
        }
        return array;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + file, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(HostSessions::delete);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + root, e);
        }
    }
}
