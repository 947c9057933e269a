package io.editlab.harness.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.eval.ItemScore;
import io.editlab.api.eval.Metric;
import io.editlab.api.eval.MetricResult;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.plan.EditOrderPlanner;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.harness.DatasetInfo;
import io.editlab.harness.EditorSpec;
import io.editlab.harness.Protocol;
import io.editlab.harness.Reports;
import io.editlab.harness.ResumePoint;
import io.editlab.harness.RunListener;
import io.editlab.harness.RunReport;
import io.editlab.harness.RunRequest;
import io.editlab.harness.SessionFiles;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runner on a real tiny model, with test editors and metrics in a hand-made catalog. */
class HarnessImplTest {

    static DjlRuntime runtime;
    static ModelHandle model;
    static List<EditRequest> requests = new ArrayList<>();

    @BeforeAll
    static void pretrain() throws Exception {
        runtime = DjlRuntime.standalone("cpu");
        String[] people = {"Ana", "Bo", "Cyr", "Dag", "Eli", "Fen", "Gus", "Hal"};
        String[] cities = {"Oslo", "Lima", "Rome", "Kyiv"};
        List<Completion> facts = new ArrayList<>();
        for (int i = 0; i < people.length; i++) {
            facts.add(new Completion(people[i] + " lives in", cities[i % 4]));
            requests.add(new EditRequest(
                    Integer.toString(i),
                    people[i] + " lives in",
                    cities[(i + 1) % 4],
                    people[i],
                    cities[i % 4],
                    List.of(),
                    List.of(),
                    List.of()));
        }
        Path dir = Files.createTempDirectory("harness");
        runtime.pretrain(
                new PretrainingSpec(1, 16, 2, 200, 8, 3e-3f, 1.0, 1),
                facts,
                List.of(),
                dir.resolve("m"),
                (s, d, t) -> {});
        model = runtime.load("m", dir.resolve("m"));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    /** Does nothing: the unedited model. */
    static class Noop implements Editor {
        @Override
        public EditResult apply(List<EditRequest> batch) {
            return new EditResult(batch.size(), 0, Set.of(), Map.of());
        }

        @Override
        public EditorState state(NDManager into) {
            return new EditorState(Map.of(), Map.of());
        }

        @Override
        public void restore(EditorState state) {
            // nothing to restore
        }

        @Override
        public void close() {
            // nothing to close
        }
    }

    static EditMethod method(java.util.function.Function<io.editlab.api.model.EditSession, Editor> factory) {
        return tunable(new HashMap<>(), factory);
    }

    /** A method whose options are {@code defaults} (which a test may change) with overrides over them. */
    static EditMethod tunable(
            Map<String, String> defaults,
            java.util.function.Function<io.editlab.api.model.EditSession, Editor> factory) {
        return new EditMethod() {
            @Override
            public EditOptions options(Map<String, ?> overrides) throws EditException {
                if (!defaults.keySet().containsAll(overrides.keySet())) {
                    throw new EditException(
                            "unknown configuration " + overrides.keySet() + "; known: " + defaults.keySet());
                }
                Map<String, String> values = new HashMap<>(defaults);
                overrides.forEach((key, value) -> values.put(key, value.toString()));
                return () -> Map.copyOf(values);
            }

            @Override
            public Editor create(io.editlab.api.model.EditSession session, EditOptions options) {
                return factory.apply(session);
            }
        };
    }

    /** Adds each batch it is given to {@code seen}, each request as {@code label} says. */
    static EditMethod recorder(List<List<String>> seen, Function<EditRequest, String> label) {
        return method(s -> new Noop() {
            @Override
            public EditResult apply(List<EditRequest> batch) {
                seen.add(batch.stream().map(label).toList());
                return super.apply(batch);
            }
        });
    }

    /** Throws on its second batch. */
    static final EditMethod BOOM = method(session -> new Noop() {
        int calls;

        @Override
        public EditResult apply(List<EditRequest> batch) {
            if (++calls == 2) {
                throw new IllegalStateException("out of ideas");
            }
            return super.apply(batch);
        }
    });

    /** Puts NaN into a weight. */
    static final EditMethod NAN = method(session -> new Noop() {
        @Override
        public EditResult apply(List<EditRequest> batch) {
            session.delta(session.model().module(0, ModuleRole.MLP_DOWN) + ".weight")
                    .addi(Float.NaN);
            return super.apply(batch);
        }
    });

    /** Counts the edits it is shown; also exercises scoring. */
    static final Metric COUNT = context -> {
        List<ItemScore> scores = context.score(context.edits().stream()
                .map(r -> new Completion(r.prompt(), r.target()))
                .toList());
        return new MetricResult(
                "count", context.edits().size(), scores.size(), Map.of("scored", (double) scores.size()));
    };

    /** A catalog over fixed services, with the metric {@code count}. */
    static PluginCatalog catalog(Map<String, Object> methods, EditOrderPlanner planner) {
        return catalog(methods, planner, Map.of("count", COUNT));
    }

    /** A catalog over fixed services. */
    static PluginCatalog catalog(Map<String, Object> methods, EditOrderPlanner planner, Map<String, Metric> metrics) {
        return new PluginCatalog() {
            @Override
            public List<PluginInfo> plugins() {
                List<PluginInfo> all = new ArrayList<>(plugins(PluginKind.METHOD));
                all.addAll(plugins(PluginKind.METRIC));
                return all;
            }

            @Override
            public List<PluginInfo> plugins(PluginKind kind) {
                return switch (kind) {
                    case METHOD -> methods.keySet().stream()
                            .map(n -> new PluginInfo(kind, n, "test." + n, "1.2.3", 9))
                            .toList();
                    case METRIC -> new java.util.TreeSet<>(metrics.keySet())
                            .stream()
                                    .map(n -> new PluginInfo(kind, n, "test." + n, "1.0.0", 10))
                                    .toList();
                    default -> List.of();
                };
            }

            @Override
            public <S> Optional<S> find(PluginKind kind, Class<S> type, String name) {
                Object found =
                        switch (kind) {
                            case METHOD -> methods.get(name);
                            case METRIC -> metrics.get(name);
                            case PLANNER -> name.equals("reverse") ? planner : null;
                            default -> null;
                        };
                return Optional.ofNullable(found).map(type::cast);
            }
        };
    }

    static RunRequest request(List<String> editors, Protocol protocol) {
        return new RunRequest(
                model,
                new DatasetInfo("test", "list", requests.size()),
                requests,
                editors.stream().map(e -> new EditorSpec(e, Map.of())).toList(),
                protocol,
                List.of());
    }

    @Test
    void aFailingEditorIsRecordedAndTheOthersFinish() {
        Map<String, Object> methods = new LinkedHashMap<>();
        methods.put("noop", method(s -> new Noop()));
        methods.put("boom", BOOM);
        methods.put("nan", NAN);
        HarnessImpl harness = new HarnessImpl(catalog(methods, null));
        Protocol protocol = new Protocol(
                8, 2, Protocol.Order.FILE, null, 1, Protocol.Evaluation.FINAL, 4, true, Protocol.Rephrasings.HELD_OUT);
        RunReport report = harness.run(request(List.of("boom", "noop", "nan", "absent"), protocol), (s, d, t) -> {});

        Map<String, RunReport.EditorReport> byName = new LinkedHashMap<>();
        report.editors().forEach(e -> byName.put(e.name(), e));
        assertEquals("failed", byName.get("boom").status());
        assertEquals("IllegalStateException: out of ideas", byName.get("boom").error());
        assertEquals("ok", byName.get("noop").status());
        assertNull(byName.get("noop").error());
        assertEquals(8.0, byName.get("noop").finalValues().get("count"));
        assertEquals(
                List.of(4, 8),
                byName.get("noop").checkpoints().stream()
                        .map(RunReport.Checkpoint::edits)
                        .toList());
        assertEquals(4.0, byName.get("noop").checkpoints().get(0).values().get("count"), "all edits so far");
        assertEquals(8.0, byName.get("noop").finalValues().get("count_scored"), "details are flattened");
        assertEquals("1.2.3", byName.get("noop").version());
        assertEquals("failed", byName.get("nan").status());
        assertTrue(byName.get("nan").error().contains("NaN"), byName.get("nan").error());
        assertEquals(
                "no editing method 'absent' is installed", byName.get("absent").error());
        assertTrue(model.sessions().isEmpty(), "every session was closed, failed or not");
    }

    @Test
    void eachModeAveragesBatchEvaluations() {
        HarnessImpl harness = new HarnessImpl(catalog(Map.of("noop", method(s -> new Noop())), null));
        Protocol protocol = new Protocol(
                6, 2, Protocol.Order.FILE, null, 1, Protocol.Evaluation.EACH, 0, false, Protocol.Rephrasings.HELD_OUT);
        RunReport report = harness.run(request(List.of("noop"), protocol), (s, d, t) -> {});
        assertEquals(2.0, report.editors().get(0).finalValues().get("count"), "each evaluation sees its batch of 2");
        assertTrue(report.editors().get(0).checkpoints().isEmpty());
    }

    @Test
    void ordersAreAppliedBeforeTheFirstTEditsAreTaken() {
        List<List<String>> seen = new ArrayList<>();
        EditMethod recorder = recorder(seen, EditRequest::id);
        EditOrderPlanner reverse = (edits, context) -> {
            List<EditRequest> reversed = new ArrayList<>(edits);
            Collections.reverse(reversed);
            return reversed;
        };
        HarnessImpl harness = new HarnessImpl(catalog(Map.of("rec", recorder), reverse));
        harness.run(
                request(
                        List.of("rec"),
                        new Protocol(
                                4,
                                4,
                                Protocol.Order.PLANNED,
                                "reverse",
                                1,
                                Protocol.Evaluation.FINAL,
                                0,
                                false,
                                Protocol.Rephrasings.HELD_OUT)),
                (s, d, t) -> {});
        assertEquals(List.of("3", "2", "1", "0"), seen.get(0), "the planner orders the first T");
        seen.clear();
        harness.run(
                request(
                        List.of("rec"),
                        new Protocol(
                                8,
                                8,
                                Protocol.Order.SHUFFLE,
                                null,
                                5,
                                Protocol.Evaluation.FINAL,
                                0,
                                false,
                                Protocol.Rephrasings.HELD_OUT)),
                (s, d, t) -> {});
        List<String> first = seen.get(0);
        seen.clear();
        harness.run(
                request(
                        List.of("rec"),
                        new Protocol(
                                8,
                                8,
                                Protocol.Order.SHUFFLE,
                                null,
                                5,
                                Protocol.Evaluation.FINAL,
                                0,
                                false,
                                Protocol.Rephrasings.HELD_OUT)),
                (s, d, t) -> {});
        assertEquals(first, seen.get(0), "the same seed gives the same order");
        assertTrue(!first.equals(List.of("0", "1", "2", "3", "4", "5", "6", "7")), "shuffled");
    }

    @Test
    void streamedRephrasingsAreEditedWithTheirEditButOnlyTheEditsAreScored() {
        List<List<String>> seen = new ArrayList<>();
        EditMethod recorder = recorder(seen, r -> r.id() + "=" + r.prompt() + ">" + r.target());
        List<EditRequest> edits = new ArrayList<>();
        for (EditRequest r : requests.subList(0, 4)) {
            edits.add(new EditRequest(
                    r.id(),
                    r.prompt(),
                    r.target(),
                    r.subject(),
                    r.groundTruth(),
                    List.of("a" + r.id(), "b" + r.id(), "c" + r.id()),
                    List.of(),
                    List.of()));
        }
        HarnessImpl harness = new HarnessImpl(catalog(Map.of("rec", recorder), null));
        RunRequest request = new RunRequest(
                model,
                new DatasetInfo("test", "list", 4),
                edits,
                List.of(new EditorSpec("rec", Map.of())),
                new Protocol(
                        4,
                        2,
                        Protocol.Order.FILE,
                        null,
                        1,
                        Protocol.Evaluation.FINAL,
                        0,
                        false,
                        Protocol.Rephrasings.STREAM_HALF),
                List.of());
        RunReport report = harness.run(request, (s, d, t) -> {});

        EditRequest first = edits.get(0);
        EditRequest second = edits.get(1);
        assertEquals(
                List.of(
                        "0=" + first.prompt() + ">" + first.target(),
                        "0/rephrase-1=a0>" + first.target(),
                        "1=" + second.prompt() + ">" + second.target(),
                        "1/rephrase-1=a1>" + second.target()),
                seen.get(0),
                "one of three rephrasings is edited right after its edit, in the same call");
        assertEquals(2, seen.size(), "batches still count edits");
        assertEquals(4.0, report.editors().get(0).finalValues().get("count"), "only the edits are scored");
        assertEquals(
                "stream-half",
                Reports.json(report)
                        .getAsJsonObject("protocol")
                        .get("rephrasings")
                        .getAsString());
    }

    @Test
    void aPlannerThatLosesEditsIsRejected() {
        EditOrderPlanner lossy = (edits, context) -> edits.subList(1, edits.size());
        HarnessImpl harness = new HarnessImpl(catalog(Map.of("noop", method(s -> new Noop())), lossy));
        Protocol protocol = new Protocol(
                4,
                1,
                Protocol.Order.PLANNED,
                "reverse",
                1,
                Protocol.Evaluation.FINAL,
                0,
                false,
                Protocol.Rephrasings.HELD_OUT);
        assertThrows(
                IllegalStateException.class, () -> harness.run(request(List.of("noop"), protocol), (s, d, t) -> {}));
    }

    @Test
    void averagesIgnoreMissingNumbers() {
        assertEquals(
                Map.of("a", 2.0, "b", Double.NaN),
                HarnessImpl.average(List.of(Map.of("a", 1.0, "b", Double.NaN), Map.of("a", 3.0))));
    }

    /** Adds 1 to a weight delta per batch and counts its batches in its state, so a resume can be checked. */
    static final class Counter extends Noop {
        static final String WEIGHT = "count";
        final io.editlab.api.model.EditSession session;
        final List<String> seen = new ArrayList<>();
        int batches;

        Counter(io.editlab.api.model.EditSession session) {
            this.session = session;
        }

        String parameter() {
            return session.model().module(0, ModuleRole.MLP_DOWN) + ".weight";
        }

        @Override
        public EditResult apply(List<EditRequest> batch) {
            batches++;
            batch.forEach(r -> seen.add(r.id()));
            session.delta(parameter()).addi(1f);
            return super.apply(batch);
        }

        @Override
        public EditorState state(NDManager into) {
            return new EditorState(Map.of(), Map.of(WEIGHT, Integer.toString(batches)));
        }

        @Override
        public void restore(EditorState state) {
            batches = Integer.parseInt(state.metadata().get(WEIGHT));
        }
    }

    @Test
    void listenersSeeCheckpointsLiveAndARunResumesFromASavedCheckpoint() throws Exception {
        List<Counter> made = new ArrayList<>();
        EditMethod counting = method(s -> {
            Counter counter = new Counter(s);
            made.add(counter);
            return counter;
        });
        HarnessImpl harness = new HarnessImpl(catalog(Map.of("counter", counting), null));
        Protocol protocol = new Protocol(
                8, 2, Protocol.Order.FILE, null, 1, Protocol.Evaluation.FINAL, 4, false, Protocol.Rephrasings.HELD_OUT);
        Path folder = Files.createTempDirectory("resume");
        List<String> events = new ArrayList<>();
        List<ResumePoint> points = new ArrayList<>();
        RunReport full = harness.run(request(List.of("counter"), protocol), new RunListener() {
            @Override
            public Path checkpointFile(String editor, int edits) {
                return folder.resolve(editor + "-" + edits + ".safetensors");
            }

            @Override
            public void checkpoint(String editor, RunReport.Checkpoint checkpoint, ResumePoint resume) {
                events.add(editor + "@" + checkpoint.edits());
                points.add(resume);
            }

            @Override
            public void editorFinished(RunReport.EditorReport report) {
                events.add(report.name() + " " + report.status());
            }
        });
        assertEquals(List.of("counter@4", "counter@8", "counter ok"), events);
        assertEquals(4, made.get(0).batches);

        ResumePoint atFour = points.get(0);
        assertEquals(4, atFour.edits());
        assertEquals(
                List.of(4),
                atFour.checkpoints().stream().map(RunReport.Checkpoint::edits).toList());
        RunRequest fresh = request(List.of("counter"), protocol);
        RunReport resumed = harness.run(
                new RunRequest(
                        fresh.model(),
                        fresh.dataset(),
                        fresh.requests(),
                        fresh.editors(),
                        protocol,
                        fresh.metrics(),
                        Map.of("counter", atFour)),
                new RunListener() {});
        Counter second = made.get(1);
        assertEquals(List.of("4", "5", "6", "7"), second.seen, "only the edits after the checkpoint are applied");
        assertEquals(4, second.batches, "the editor's state was restored (2 batches) and went on");
        assertEquals(
                full.editors().get(0).finalValues(), resumed.editors().get(0).finalValues());
        assertEquals(
                List.of(4, 8),
                resumed.editors().get(0).checkpoints().stream()
                        .map(RunReport.Checkpoint::edits)
                        .toList(),
                "the earlier checkpoint is kept");
        assertTrue(model.sessions().isEmpty());
    }

    @Test
    void aCancelledRunStopsBetweenBatchesAndReportsTheRestCancelled() {
        List<String> applied = new ArrayList<>();
        EditMethod recorder = method(s -> new Noop() {
            @Override
            public EditResult apply(List<EditRequest> batch) {
                applied.add(batch.get(0).id());
                return super.apply(batch);
            }
        });
        HarnessImpl harness = new HarnessImpl(catalog(Map.of("a", recorder, "b", recorder), null));
        Protocol protocol = new Protocol(
                8, 2, Protocol.Order.FILE, null, 1, Protocol.Evaluation.FINAL, 0, false, Protocol.Rephrasings.HELD_OUT);
        RunReport report = harness.run(request(List.of("a", "b"), protocol), new RunListener() {
            @Override
            public boolean cancelled() {
                return applied.size() >= 2;
            }
        });
        assertEquals(List.of("0", "2"), applied);
        assertEquals(
                List.of("cancelled", "cancelled"),
                report.editors().stream().map(RunReport.EditorReport::status).toList());
        assertTrue(model.sessions().isEmpty());
    }

    @Test
    void anEditorWhoseMethodIsUninstalledMidRunFailsAlone() {
        Map<String, Object> methods = new LinkedHashMap<>();
        int[] batches = {0};
        methods.put("leaving", method(s -> new Noop() {
            @Override
            public EditResult apply(List<EditRequest> batch) {
                if (++batches[0] == 2) {
                    methods.remove("leaving"); // its bundle goes away while it edits
                }
                return super.apply(batch);
            }
        }));
        methods.put("staying", method(s -> new Noop()));
        HarnessImpl harness = new HarnessImpl(catalog(methods, null));
        Protocol protocol = new Protocol(
                8, 2, Protocol.Order.FILE, null, 1, Protocol.Evaluation.FINAL, 0, false, Protocol.Rephrasings.HELD_OUT);
        RunReport report = harness.run(request(List.of("leaving", "staying"), protocol), new RunListener() {});
        assertEquals("failed", report.editors().get(0).status());
        assertTrue(
                report.editors().get(0).error().contains("was uninstalled"),
                report.editors().get(0).error());
        assertEquals("ok", report.editors().get(1).status());
        assertEquals(2, batches[0], "it stopped at the next batch");
    }

    @Test
    void aSessionFileKeepsTheOptionsItsEditorWasMadeWith() throws Exception {
        Map<String, String> defaults = new HashMap<>(Map.of("scale", "1"));
        EditMethod method = tunable(defaults, session -> new Noop());
        Path file = Files.createTempDirectory("options").resolve("s.safetensors");
        SessionFiles.Opened made = SessionFiles.open(model, "made", method, Map.of(), null);
        try {
            assertEquals(Map.of("scale", "1"), made.options().values());
            SessionFiles.save(made, file);
        } finally {
            made.editor().close();
            made.session().close();
        }
        defaults.put("scale", "5"); // the configured defaults changed since
        SessionFiles.Opened kept = SessionFiles.open(model, "kept", method, Map.of(), file);
        kept.session().close();
        assertEquals(Map.of("scale", "1"), kept.options().values(), "the saved options, not today's defaults");
        SessionFiles.Opened overridden = SessionFiles.open(model, "overridden", method, Map.of("scale", "3"), file);
        overridden.session().close();
        assertEquals(Map.of("scale", "3"), overridden.options().values(), "an override goes over the saved options");

        defaults.clear();
        defaults.put("rate", "1"); // a later version of the method knows other options
        EditException stale =
                assertThrows(EditException.class, () -> SessionFiles.open(model, "stale", method, Map.of(), file));
        assertTrue(stale.getMessage().startsWith(file + ": unknown configuration [scale]"), stale.getMessage());
    }

    @Test
    void aReEditedFactIsScoredOnceWithItsLatestTarget() {
        List<List<String>> seen = new ArrayList<>();
        HarnessImpl harness = new HarnessImpl(catalog(Map.of("rec", recorder(seen, EditRequest::target)), null));
        List<EditRequest> stream = io.editlab.harness.Streams.reedit(requests, 2, 7);
        Protocol protocol = new Protocol(
                12,
                4,
                Protocol.Order.FILE,
                null,
                1,
                Protocol.Evaluation.FINAL,
                8,
                false,
                Protocol.Rephrasings.HELD_OUT);
        RunReport report = harness.run(
                new RunRequest(
                        model,
                        new DatasetInfo("test (reedit:2)", "list", stream.size()),
                        stream,
                        List.of(new EditorSpec("rec", Map.of())),
                        protocol,
                        List.of()),
                (s, d, t) -> {});
        assertEquals(3, seen.size(), "12 edits in batches of 4");
        assertEquals(stream.get(8).target(), seen.get(2).get(0), "the third batch re-edits the first facts");
        RunReport.EditorReport rec = report.editors().get(0);
        assertEquals(8.0, rec.finalValues().get("count"), "8 facts, 4 of them edited twice, each scored once");
        assertEquals(8.0, rec.checkpoints().get(0).values().get("count"));
    }

    @Test
    void aLongStreamsCheckpointsScoreAFixedSampleAndTheBatchJustEditedAndFindTheCollapse() {
        // "locality" here falls with every edit: 1 - edits so far / 8 (it counts what it is shown: the sample)
        int[] applied = {0};
        Metric falling = context -> new MetricResult("locality", 1 - applied[0] / 8.0, 1, Map.of());
        Map<String, Object> methods = Map.of("noop", method(s -> new Noop() {
            @Override
            public EditResult apply(List<EditRequest> batch) {
                applied[0] += batch.size();
                return super.apply(batch);
            }
        }));
        HarnessImpl harness = new HarnessImpl(catalog(methods, null, Map.of("count", COUNT, "locality", falling)));
        Protocol protocol = new Protocol(
                        8,
                        2,
                        Protocol.Order.FILE,
                        null,
                        3,
                        Protocol.Evaluation.FINAL,
                        2,
                        false,
                        Protocol.Rephrasings.HELD_OUT)
                .withCurves(new Protocol.Curves(3, 0.6));
        RunReport report = harness.run(request(List.of("noop"), protocol), (s, d, t) -> {});
        RunReport.EditorReport noop = report.editors().get(0);

        java.util.Set<String> sample = HarnessImpl.curveSample(requests, protocol);
        assertEquals(3, sample.size());
        for (RunReport.Checkpoint checkpoint : noop.checkpoints()) {
            long earlierSampled = requests.subList(0, checkpoint.edits() - 2).stream()
                    .filter(r -> sample.contains(r.id()))
                    .count();
            assertEquals(
                    earlierSampled + 2,
                    checkpoint.values().get("count"),
                    "the sampled earlier facts and the batch just edited, at " + checkpoint.edits());
            assertEquals(
                    checkpoint.values().get("locality"),
                    checkpoint.values().get("batch_locality"),
                    "the batch just edited is reported on its own");
            assertTrue(checkpoint.values().get("window_seconds_per_edit") >= 0, "the cost since the last checkpoint");
            assertTrue(checkpoint.values().get("resident_bytes") > 0);
            assertEquals(0.0, checkpoint.values().get("state_bytes"), "the no-op editor keeps no state");
        }
        assertEquals(8.0, noop.finalValues().get("count"), "the final evaluation scores every fact");
        assertEquals(
                4.0, noop.finalValues().get("locality_collapse_at"), "locality 0.5 at 4 edits is the first below 0.6");
    }
}
