package io.editlab.store.impl;

import io.editlab.store.BatchRecord;
import io.editlab.store.CheckpointRecord;
import io.editlab.store.HostStore;
import io.editlab.store.ModelRecord;
import io.editlab.store.RunEditorRecord;
import io.editlab.store.RunRecord;
import io.editlab.store.SessionRecord;
import io.editlab.store.SnapshotRecord;
import io.editlab.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;

/**
 * {@link HostStore} in an embedded H2 database ({@code <data folder>/db/editlab.mv.db}), brought
 * to the newest schema by {@link Migrations} when opened. Writes are committed at once (no write
 * delay), so a host killed right after a call keeps what the call wrote. One connection, one call
 * at a time.
 */
@Component(
        service = HostStore.class,
        configurationPid = H2HostStore.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class H2HostStore implements HostStore {

    /** Configured together with the HTTP host: its {@code dataDir} is the store's folder. */
    static final String PID = "io.editlab.server";

    /** The configuration this store reads. */
    @interface Config {
        String dataDir();
    }

    private final Connection connection;
    private final int schemaVersion;

    @Activate
    public H2HostStore(Config config) {
        this(Path.of(config.dataDir()));
    }

    /** Opens (creating if needed) the database in {@code folder/db}. */
    public H2HostStore(Path folder) {
        JdbcDataSource source = new JdbcDataSource();
        Path file = folder.toAbsolutePath().resolve("db").resolve("editlab");
        source.setURL("jdbc:h2:file:" + file + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
        try {
            connection = source.getConnection();
            schemaVersion = Migrations.apply(connection);
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot open the host database " + file + ".mv.db: " + e.getMessage()
                            + " (is another host using this data folder?)",
                    e);
        }
    }

    @Deactivate
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("closing the host database failed", e);
        }
    }

    @Override
    public int schemaVersion() {
        return schemaVersion;
    }

    // ---- runs

    @Override
    public synchronized void addRun(String id, String spec, Instant created, List<String> editors) {
        transaction("adding run " + id, () -> {
            update(
                    "INSERT INTO runs (id, status, spec, created) VALUES (?, ?, ?, ?)",
                    id,
                    RunRecord.QUEUED,
                    spec,
                    time(created));
            for (int i = 0; i < editors.size(); i++) {
                update(
                        "INSERT INTO run_editors (run_id, editor, position, status) VALUES (?, ?, ?, ?)",
                        id,
                        editors.get(i),
                        i,
                        RunEditorRecord.PENDING);
            }
        });
    }

    /** The width of {@code runs.error}: a longer message is cut, never refused. */
    static final int MAX_ERROR = 4000;

    @Override
    public synchronized void setRunStatus(String id, String status, String error, Instant at) {
        String column = status.equals(RunRecord.RUNNING) ? "started" : "finished";
        String kept = error == null || error.length() <= MAX_ERROR ? error : error.substring(0, MAX_ERROR - 3) + "...";
        transaction(
                "setting run " + id + " " + status,
                () -> update(
                        "UPDATE runs SET status = ?, error = ?, " + column + " = ? WHERE id = ?",
                        status,
                        kept,
                        time(at),
                        id));
    }

    @Override
    public synchronized void setRunResults(String id, String results) {
        transaction(
                "storing the results of run " + id,
                () -> update("UPDATE runs SET results = ? WHERE id = ?", results, id));
    }

    @Override
    public synchronized List<RunRecord> runs() {
        return query("listing runs", "SELECT * FROM runs ORDER BY created, id", H2HostStore::run);
    }

    @Override
    public synchronized Optional<RunRecord> run(String id) {
        return query("reading run " + id, "SELECT * FROM runs WHERE id = ?", H2HostStore::run, id).stream()
                .findFirst();
    }

    @Override
    public synchronized List<String> interruptRuns(Instant at) {
        List<String> ids = query(
                "finding unfinished runs",
                "SELECT id FROM runs WHERE status IN (?, ?) ORDER BY created",
                r -> r.getString(1),
                RunRecord.QUEUED,
                RunRecord.RUNNING);
        transaction(
                "marking runs interrupted",
                () -> update(
                        "UPDATE runs SET status = ?, finished = ?, error = ? " + "WHERE status IN (?, ?)",
                        RunRecord.INTERRUPTED,
                        time(at),
                        "the host stopped during the run",
                        RunRecord.QUEUED,
                        RunRecord.RUNNING));
        return ids;
    }

    @Override
    public synchronized void addCheckpoint(String runId, String editor, int edits, String values) {
        transaction("adding a checkpoint of run " + runId, () -> {
            update("DELETE FROM run_checkpoints WHERE run_id = ? AND editor = ? AND edits = ?", runId, editor, edits);
            update(
                    "INSERT INTO run_checkpoints (run_id, editor, edits, measured_values) VALUES (?, ?, ?, ?)",
                    runId,
                    editor,
                    edits,
                    values);
        });
    }

    @Override
    public synchronized List<CheckpointRecord> checkpoints(String runId) {
        return query(
                "reading checkpoints of run " + runId,
                "SELECT c.* FROM run_checkpoints c JOIN run_editors e "
                        + "ON c.run_id = e.run_id AND c.editor = e.editor WHERE c.run_id = ? ORDER BY e.position, c.edits",
                r -> new CheckpointRecord(
                        r.getString("run_id"),
                        r.getString("editor"),
                        r.getInt("edits"),
                        r.getString("measured_values")),
                runId);
    }

    @Override
    public synchronized void setEditorReport(String runId, String editor, String status, String report) {
        transaction(
                "storing the report of " + editor + " in run " + runId,
                () -> update(
                        "UPDATE run_editors SET status = ?, report = ? WHERE run_id = ? AND editor = ?",
                        status,
                        report,
                        runId,
                        editor));
    }

    @Override
    public synchronized void setEditorResume(String runId, String editor, String resume) {
        transaction(
                "storing the resume point of " + editor + " in run " + runId,
                () -> update(
                        "UPDATE run_editors SET resume = ? WHERE run_id = ? AND editor = ?", resume, runId, editor));
    }

    @Override
    public synchronized List<RunEditorRecord> editors(String runId) {
        return query(
                "reading the editors of run " + runId,
                "SELECT * FROM run_editors WHERE run_id = ? ORDER BY position",
                r -> new RunEditorRecord(
                        r.getString("run_id"),
                        r.getString("editor"),
                        r.getString("status"),
                        r.getString("report"),
                        r.getString("resume")),
                runId);
    }

    private static RunRecord run(ResultSet r) throws SQLException {
        return new RunRecord(
                r.getString("id"),
                r.getString("status"),
                r.getString("spec"),
                instant(r, "created"),
                instant(r, "started"),
                instant(r, "finished"),
                r.getString("error"),
                r.getString("results"));
    }

    // ---- sessions

    @Override
    public synchronized void addSession(SessionRecord s) {
        transaction(
                "adding session " + s.id(),
                () -> update(
                        "INSERT INTO sessions (id, name, model, editor, config, "
                                + "created, head, batches, edits) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        s.id(),
                        s.name(),
                        s.model(),
                        s.editor(),
                        s.config(),
                        time(s.created()),
                        s.head(),
                        s.batches(),
                        s.edits()));
    }

    @Override
    public synchronized void removeSession(String id) {
        transaction("removing session " + id, () -> update("DELETE FROM sessions WHERE id = ?", id));
    }

    @Override
    public synchronized List<SessionRecord> sessions() {
        return query("listing sessions", "SELECT * FROM sessions ORDER BY created, id", H2HostStore::session);
    }

    @Override
    public synchronized Optional<SessionRecord> session(String id) {
        return query("reading session " + id, "SELECT * FROM sessions WHERE id = ?", H2HostStore::session, id).stream()
                .findFirst();
    }

    @Override
    public synchronized void addBatch(BatchRecord b) {
        transaction("journaling batch " + b.seq() + " of session " + b.sessionId(), () -> {
            update(
                    "INSERT INTO session_batches (session_id, seq, requests, edit_count, file, seconds, applied) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    b.sessionId(),
                    b.seq(),
                    b.requests(),
                    b.editCount(),
                    b.file(),
                    b.seconds(),
                    time(b.applied()));
            update(
                    "UPDATE sessions SET head = ?, batches = ?, edits = edits + ? WHERE id = ?",
                    b.file(),
                    b.seq(),
                    b.editCount(),
                    b.sessionId());
        });
    }

    @Override
    public synchronized List<BatchRecord> batches(String sessionId) {
        return query(
                "reading the journal of session " + sessionId,
                "SELECT * FROM session_batches WHERE session_id = ? " + "ORDER BY seq",
                r -> new BatchRecord(
                        r.getString("session_id"),
                        r.getInt("seq"),
                        r.getString("requests"),
                        r.getInt("edit_count"),
                        r.getString("file"),
                        r.getDouble("seconds"),
                        instant(r, "applied")),
                sessionId);
    }

    @Override
    public synchronized void resetSession(String sessionId, String head, int batches, int edits) {
        transaction("resetting session " + sessionId, () -> {
            update("DELETE FROM session_batches WHERE session_id = ? AND seq > ?", sessionId, batches);
            update(
                    "UPDATE sessions SET head = ?, batches = ?, edits = ? WHERE id = ?",
                    head,
                    batches,
                    edits,
                    sessionId);
        });
    }

    @Override
    public synchronized void forgetBatchFile(String sessionId, int seq) {
        transaction(
                "updating the journal of session " + sessionId,
                () -> update(
                        "UPDATE session_batches SET file = NULL WHERE session_id = ? AND seq = ?", sessionId, seq));
    }

    @Override
    public synchronized void addSnapshot(SnapshotRecord s) {
        transaction(
                "adding snapshot " + s.number() + " of session " + s.sessionId(),
                () -> update(
                        "INSERT INTO session_snapshots (session_id, number, label, batches, edits, file, created) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        s.sessionId(),
                        s.number(),
                        s.label(),
                        s.batches(),
                        s.edits(),
                        s.file(),
                        time(s.created())));
    }

    @Override
    public synchronized List<SnapshotRecord> snapshots(String sessionId) {
        return query(
                "reading the snapshots of session " + sessionId,
                "SELECT * FROM session_snapshots " + "WHERE session_id = ? ORDER BY number",
                r -> new SnapshotRecord(
                        r.getString("session_id"),
                        r.getInt("number"),
                        r.getString("label"),
                        r.getInt("batches"),
                        r.getInt("edits"),
                        r.getString("file"),
                        instant(r, "created")),
                sessionId);
    }

    private static SessionRecord session(ResultSet r) throws SQLException {
        return new SessionRecord(
                r.getString("id"),
                r.getString("name"),
                r.getString("model"),
                r.getString("editor"),
                r.getString("config"),
                instant(r, "created"),
                r.getString("head"),
                r.getInt("batches"),
                r.getInt("edits"));
    }

    // ---- models

    @Override
    public synchronized void addModel(ModelRecord model) {
        transaction("recording model " + model.id(), () -> {
            update("DELETE FROM models WHERE id = ?", model.id());
            update(
                    "INSERT INTO models (id, path, loaded) VALUES (?, ?, ?)",
                    model.id(),
                    model.path(),
                    time(model.loaded()));
        });
    }

    @Override
    public synchronized void removeModel(String id) {
        transaction("forgetting model " + id, () -> update("DELETE FROM models WHERE id = ?", id));
    }

    @Override
    public synchronized List<ModelRecord> models() {
        return query(
                "listing models",
                "SELECT * FROM models ORDER BY loaded, id",
                r -> new ModelRecord(r.getString("id"), r.getString("path"), instant(r, "loaded")));
    }

    // ---- JDBC plumbing

    /** A unit of work that may throw SQL errors. */
    private interface Work {
        void run() throws SQLException;
    }

    /** Maps one row. */
    private interface Row<T> {
        T map(ResultSet row) throws SQLException;
    }

    private void transaction(String what, Work work) {
        try {
            connection.setAutoCommit(false);
            try {
                work.run();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    private void update(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            statement.executeUpdate();
        }
    }

    private <T> List<T> query(String what, String sql, Row<T> row, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            List<T> result = new ArrayList<>();
            while (rows.next()) {
                result.add(row.map(rows));
            }
            return result;
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
