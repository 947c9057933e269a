package io.editlab.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The host's database. Every call is one transaction: once it returns, what it wrote survives a
 * crash of the process. Failures are {@link StoreException}s.
 */
@ProviderType
public interface HostStore {

    // ---- runs

    /** Records a new run, status {@link RunRecord#QUEUED}. */
    void addRun(String id, String spec, Instant created, List<String> editors);

    /** Moves a run to {@code status}, setting when it started or finished as the status implies. */
    void setRunStatus(String id, String status, String error, Instant at);

    /** Stores the finished run's results document (results.json). */
    void setRunResults(String id, String results);

    List<RunRecord> runs();

    Optional<RunRecord> run(String id);

    /** Marks every run that was queued or running as interrupted (after a crash) and returns their ids. */
    List<String> interruptRuns(Instant at);

    void addCheckpoint(String runId, String editor, int edits, String values);

    /** The run's checkpoints, by editor in run order, then by edits. */
    List<CheckpointRecord> checkpoints(String runId);

    /** Records an editor's report once it is done (status from the report). */
    void setEditorReport(String runId, String editor, String status, String report);

    /** Records where an editor can resume from (a JSON document). */
    void setEditorResume(String runId, String editor, String resume);

    /** The run's editors in run order. */
    List<RunEditorRecord> editors(String runId);

    // ---- sessions

    void addSession(SessionRecord session);

    /** Forgets a session and its journal. */
    void removeSession(String id);

    List<SessionRecord> sessions();

    Optional<SessionRecord> session(String id);

    /** Appends a batch to the session's journal and makes its state file the session's head. */
    void addBatch(BatchRecord batch);

    /** The journal, oldest first. */
    List<BatchRecord> batches(String sessionId);

    /**
     * Sets the session's current state: its head file and counters, and drops the journal entries
     * after {@code batches}.
     */
    void resetSession(String sessionId, String head, int batches, int edits);

    /** Forgets the state file of a journal entry (its file was deleted to save space). */
    void forgetBatchFile(String sessionId, int seq);

    void addSnapshot(SnapshotRecord snapshot);

    List<SnapshotRecord> snapshots(String sessionId);

    // ---- models

    /** Records a model loaded through the API (replacing a record with the same id). */
    void addModel(ModelRecord model);

    void removeModel(String id);

    /** The models to load again at start, in load order. */
    List<ModelRecord> models();

    /** The schema version the database is at. */
    int schemaVersion();
}
