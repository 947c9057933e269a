package io.editlab.store.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.store.BatchRecord;
import io.editlab.store.ModelRecord;
import io.editlab.store.RunEditorRecord;
import io.editlab.store.RunRecord;
import io.editlab.store.SessionRecord;
import io.editlab.store.SnapshotRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2HostStoreTest {

    @TempDir
    Path folder;

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void runsSurviveReopeningAndUnfinishedOnesAreMarkedInterrupted() {
        H2HostStore store = new H2HostStore(folder);
        assertEquals(2, store.schemaVersion());
        store.addRun("r1", "{\"edits\":8}", T0, List.of("grace", "ft-l"));
        store.addRun("r2", "{}", T0.plusSeconds(1), List.of("grace"));
        store.setRunStatus("r1", RunRecord.RUNNING, null, T0.plusSeconds(2));
        store.addCheckpoint("r1", "ft-l", 2, "{\"reliability\":0.5}");
        store.addCheckpoint("r1", "grace", 4, "{\"reliability\":1.0}");
        store.addCheckpoint("r1", "grace", 2, "{\"reliability\":1.0}");
        store.setEditorReport("r1", "grace", "ok", "{\"name\":\"grace\"}");
        store.setEditorResume("r1", "ft-l", "{\"edits\":2}");
        store.setRunStatus("r2", RunRecord.RUNNING, null, T0.plusSeconds(3));
        store.setRunStatus("r2", RunRecord.FINISHED, null, T0.plusSeconds(4));
        store.setRunResults("r2", "{\"editors\":[]}");
        store.close(); // as a crash would, without telling the runs

        H2HostStore reopened = new H2HostStore(folder);
        assertEquals(List.of("r1"), reopened.interruptRuns(T0.plusSeconds(9)));
        RunRecord r1 = reopened.run("r1").orElseThrow();
        assertEquals(RunRecord.INTERRUPTED, r1.status());
        assertEquals(T0.plusSeconds(2), r1.started());
        assertTrue(r1.ended());
        assertEquals(RunRecord.FINISHED, reopened.run("r2").orElseThrow().status());
        assertEquals("{\"editors\":[]}", reopened.run("r2").orElseThrow().results());
        assertEquals(
                List.of("grace@2", "grace@4", "ft-l@2"),
                reopened.checkpoints("r1").stream()
                        .map(c -> c.editor() + "@" + c.edits())
                        .toList(),
                "by editor in run order, then edits");
        List<RunEditorRecord> editors = reopened.editors("r1");
        assertEquals("ok", editors.get(0).status());
        assertEquals(RunEditorRecord.PENDING, editors.get(1).status());
        assertEquals("{\"edits\":2}", editors.get(1).resume());
        assertEquals(
                List.of("r1", "r2"), reopened.runs().stream().map(RunRecord::id).toList());
        reopened.close();
    }

    @Test
    void aSessionJournalRecordsBatchesSnapshotsAndResets() {
        H2HostStore store = new H2HostStore(folder);
        store.addSession(new SessionRecord("s1", "play", "builtin", "grace", "{}", T0, null, 0, 0));
        store.addBatch(new BatchRecord("s1", 1, "[{}]", 1, "b1.safetensors", 0.5, T0));
        store.addSnapshot(new SnapshotRecord("s1", 1, "one edit", 1, 1, "snap1.safetensors", T0));
        store.addBatch(new BatchRecord("s1", 2, "[{},{}]", 2, "b2.safetensors", 0.7, T0));
        SessionRecord s1 = store.session("s1").orElseThrow();
        assertEquals("b2.safetensors", s1.head());
        assertEquals(2, s1.batches());
        assertEquals(3, s1.edits());

        store.resetSession("s1", "snap1.safetensors", 1, 1);
        assertEquals(
                List.of(1), store.batches("s1").stream().map(BatchRecord::seq).toList());
        store.forgetBatchFile("s1", 1);
        assertNull(store.batches("s1").get(0).file());
        assertEquals("one edit", store.snapshots("s1").get(0).label());
        assertEquals(1, store.session("s1").orElseThrow().edits());

        store.removeSession("s1");
        assertTrue(store.sessions().isEmpty());
        assertTrue(store.batches("s1").isEmpty(), "the journal goes with the session");
        store.close();
    }

    @Test
    void modelsLoadedThroughTheApiAreRemembered() {
        H2HostStore store = new H2HostStore(folder);
        store.addModel(new ModelRecord("cf", "/models/cf1000", T0));
        store.addModel(new ModelRecord("wide", "/models/wide", T0.plusSeconds(1)));
        store.addModel(new ModelRecord("cf", "/models/cf2000", T0.plusSeconds(2)));
        store.removeModel("wide");
        store.close();
        H2HostStore reopened = new H2HostStore(folder);
        assertEquals(List.of(new ModelRecord("cf", "/models/cf2000", T0.plusSeconds(2))), reopened.models());
        reopened.close();
    }

    @Test
    void aDatabaseOfTheFirstSchemaIsMigratedKeepingItsRecords() throws Exception {
        JdbcDataSource source = new JdbcDataSource();
        source.setURL("jdbc:h2:file:" + folder.toAbsolutePath().resolve("db").resolve("editlab"));
        try (Connection connection = source.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE schema_history (version INT PRIMARY KEY, script VARCHAR(200) NOT NULL, "
                    + "applied TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            String v1 = new String(
                    Migrations.class.getResourceAsStream("V1__host.sql").readAllBytes());
            for (String sql : Migrations.statements(v1)) {
                statement.execute(sql);
            }
            statement.execute("INSERT INTO schema_history (version, script) VALUES (1, 'V1__host.sql')");
            statement.execute("INSERT INTO runs (id, status, spec, created) VALUES ('r0', 'finished', '{}', "
                    + "CURRENT_TIMESTAMP)");
        }
        H2HostStore store = new H2HostStore(folder);
        assertEquals(2, store.schemaVersion());
        assertEquals(List.of("r0"), store.runs().stream().map(RunRecord::id).toList());
        assertTrue(store.models().isEmpty());
        store.close();
    }

    @Test
    void scriptsSplitIntoStatements() {
        assertEquals(
                List.of("CREATE TABLE a (x INT)", "CREATE TABLE b (y INT)"),
                Migrations.statements("-- two tables\nCREATE TABLE a (x INT);\n\nCREATE TABLE b (y INT);\n"));
    }
}
