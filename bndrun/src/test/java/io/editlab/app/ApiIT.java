package io.editlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API of a real host process: authorization, validation, restart recovery, memory over many calls. */
class ApiIT {

    static final Path TARGET = Host.ROOT.resolve("bndrun/target/e2e");
    static Host host;
    /** The host's resident memory right after it started. */
    static long startResident;

    @BeforeAll
    static void start() throws Exception {
        host = Host.start(fresh("api-host"));
        startResident = resident(health());
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    static Path fresh(String name) throws IOException {
        Path folder = TARGET.resolve(name);
        if (Files.exists(folder)) {
            try (var files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        return folder;
    }

    static HttpResponse<String> post(Host on, String path, String json, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(on.base().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return on.send(request, false);
    }

    static String error(HttpResponse<String> response) {
        return Host.json(response).getAsJsonObject().get("error").getAsString();
    }

    @Test
    void mutationsNeedTheTokenAndTheTokenFileIsPrivate() throws Exception {
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(host.data().resolve("token"))));
        HttpResponse<String> anonymous = post(host, "/api/sessions", "{\"editor\":\"grace\"}", null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(error(anonymous).contains("Authorization: Bearer"), anonymous.body());
        assertEquals(
                401,
                post(host, "/api/sessions", "{\"editor\":\"grace\"}", "Bearer wrong")
                        .statusCode());
        assertEquals(
                401, post(host, "/api/runs", "{\"editors\":[\"grace\"]}", null).statusCode());
        assertEquals(
                401,
                host.send(
                                HttpRequest.newBuilder(host.base().resolve("/api/bundles/1"))
                                        .DELETE(),
                                false)
                        .statusCode());
        assertEquals(200, host.get("/api/sessions").statusCode(), "reads are open on localhost");
        assertEquals(201, host.post("/api/sessions", "{\"editor\":\"grace\"}").statusCode(), host.log());

        String console = "/system/console/bundles";
        assertEquals(
                401,
                host.send(
                                HttpRequest.newBuilder(host.base().resolve(console))
                                        .header("Authorization", basic("admin:admin")),
                                false)
                        .statusCode(),
                "the Web Console's default password is off");
        assertEquals(
                200,
                host.send(
                                HttpRequest.newBuilder(host.base().resolve(console))
                                        .header("Authorization", basic("admin:" + host.token())),
                                false)
                        .statusCode(),
                "the Web Console takes the token");
    }

    private static String basic(String credentials) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(credentials.getBytes());
    }

    @Test
    void badBodiesAreRefusedWithWhatIsWrong() throws Exception {
        String id = Host.json(host.post("/api/sessions", "{\"editor\":\"grace\"}"))
                .getAsJsonObject()
                .get("id")
                .getAsString();
        String edits = "/api/sessions/" + id + "/edits";
        assertRefused(host.post(edits, "{\"edits\": ["), 400, "not valid JSON");
        assertRefused(host.post(edits, "[1, 2]"), 400, "must be a JSON object");
        assertRefused(
                host.post(edits, "{\"edits\":[{\"prompt\":\"The sky is\"}]}"), 400, "'edits[0].target' is required");
        assertRefused(
                host.post(edits, "{\"edits\":[{\"prompt\":\"a\",\"target\":\"b\",\"when\":1}]}"),
                400,
                "unknown field 'edits[0].when'");
        assertRefused(host.post(edits, "{\"edits\":{}}"), 400, "'edits' must be an array");
        assertRefused(host.post(edits, "{\"edits\":[]}"), 400, "at least one edit");
        assertRefused(
                host.post("/api/runs", "{\"editors\":[\"grace\"],\"edits\":\"many\"}"),
                400,
                "'edits' must be a whole number");
        assertRefused(
                host.post("/api/runs", "{\"editors\":[\"grace\"],\"batch\":0}"), 400, "'batch' must be between 1");
        assertRefused(
                host.post("/api/runs", "{\"editors\":[\"grace\"],\"order\":\"backwards\"}"), 400, "order must be");
        assertRefused(
                host.post("/api/runs", "{\"editors\":[\"grace\"],\"data\":\"/no/such/file.json\"}"), 400, "no file");
        assertRefused(
                host.post("/api/runs", "{\"editors\":[\"grace\"],\"stream\":\"reedit:2:0\"}"),
                400,
                "field 'stream': the facts to re-edit must be between 1 and");
        assertRefused(
                host.post("/api/sessions", "{\"editor\":\"no-such-method\"}"),
                400,
                "no editing method 'no-such-method'");
        assertRefused(
                host.post("/api/sessions", "{\"editor\":\"grace\",\"config\":{\"nonsense\":\"1\"}}"),
                400,
                "refused the configuration");
        assertRefused(
                host.post(edits, "{\"edits\":[{\"prompt\":\"" + "x".repeat(2 << 20) + "\",\"target\":\"y\"}]}"),
                413,
                "limit");
        assertRefused(
                host.send(
                        HttpRequest.newBuilder(host.base().resolve(edits))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")),
                        true),
                415,
                "Content-Type: application/json");
        assertRefused(host.get("/api/nothing-here"), 404, "no such resource");
        assertRefused(host.get("/api/sessions/s-missing"), 404, "no session s-missing");
    }

    @Test
    void badUploadsAreRefusedAndTheHostCannotBeTakenApart() throws Exception {
        assertRefused(
                upload("notes.txt", "just text".getBytes()), 400, "notes.txt is not an OSGi bundle: it is not a jar");
        assertRefused(
                upload("plain.zip", zip()), 400, "plain.zip is not an OSGi bundle: it has no META-INF/MANIFEST.MF");
        assertRefused(upload("library.jar", jar(null)), 400, "its manifest has no Bundle-SymbolicName");
        assertRefused(upload("broken.jar", jar("io.editlab.test.broken")), 400, "cannot start, so it was not kept");
        assertRefused(upload("empty.jar", new byte[0]), 400, "the body must be the bundle's jar file");
        JsonArray bundles = Host.json(host.get("/api/bundles")).getAsJsonArray();
        for (JsonElement bundle : bundles) {
            assertNotEquals(
                    "io.editlab.test.broken",
                    bundle.getAsJsonObject().get("name").getAsString(),
                    "a bundle that cannot start is not kept");
        }
        long runtimeId = -1;
        for (JsonElement bundle : bundles) {
            if (bundle.getAsJsonObject().get("name").getAsString().equals("io.editlab.runtime")) {
                runtimeId = bundle.getAsJsonObject().get("id").getAsLong();
            }
        }
        assertRefused(host.delete("/api/bundles/" + runtimeId), 403, "part of the host");
    }

    private static HttpResponse<String> upload(String name, byte[] bytes) throws Exception {
        return host.send(
                HttpRequest.newBuilder(host.base().resolve("/api/bundles"))
                        .header("Content-Type", "application/java-archive")
                        .header("X-File-Name", name)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                true);
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("hello".getBytes());
        }
        return bytes.toByteArray();
    }

    /** A jar with a manifest; a bundle needing a package nobody exports when {@code name} is given. */
    private static byte[] jar(String name) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (name != null) {
            manifest.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", name);
            manifest.getMainAttributes().putValue("Import-Package", "com.example.nowhere");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JarOutputStream(bytes, manifest).close();
        return bytes.toByteArray();
    }

    private static void assertRefused(HttpResponse<String> response, int status, String says) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(error(response).contains(says), "expected '" + says + "' in: " + response.body());
    }

    /**
     * Two thousand calls of every read kind and of session scoring and generation. The host's resident
     * memory and Java heap at the start, after the first thousand (warm: classes loaded, code
     * compiled) and after the second are printed and written to target/e2e/api-memory.json. The
     * memory outside the Java heap (resident minus committed heap: tensors, native allocations,
     * threads) must not grow by more than 48 MB over the second thousand; the heap itself is fixed and
     * pre-touched by {@link Host}, so it does not move the resident size.
     */
    @Test
    void memoryStaysFlatOverAThousandCalls() throws Exception {
        JsonObject before = health();
        String id = Host.json(host.post("/api/sessions", "{\"editor\":\"grace\"}"))
                .getAsJsonObject()
                .get("id")
                .getAsString();
        assertEquals(
                200,
                host.post(
                                "/api/sessions/" + id + "/edits",
                                "{\"edits\":[{\"prompt\":\"The sky is\",\"target\":\"green\"}]}")
                        .statusCode());
        calls(id, 1000);
        JsonObject warm = health();
        calls(id, 1000);
        JsonObject after = health();
        long growth = outsideHeap(after) - outsideHeap(warm);
        String report = String.format(
                Locale.ROOT,
                "{\"resident_at_host_start_bytes\":%d,\"resident_at_test_start_bytes\":%d,"
                        + "\"resident_after_1000_calls_bytes\":%d,\"resident_after_2000_calls_bytes\":%d,"
                        + "\"heap_committed_after_1000_calls_bytes\":%d,\"heap_committed_after_2000_calls_bytes\":%d,"
                        + "\"outside_heap_growth_over_second_1000_bytes\":%d}",
                startResident,
                resident(before),
                resident(warm),
                resident(after),
                committed(warm),
                committed(after),
                growth);
        System.out.println("host memory over API calls: " + report);
        Files.createDirectories(TARGET);
        Files.writeString(TARGET.resolve("api-memory.json"), report + "\n");
        assertTrue(
                growth < 48L << 20, "memory outside the Java heap grew by more than 48 MB over 1000 calls: " + report);
    }

    private static JsonObject health() throws Exception {
        return Host.json(host.get("/api/health")).getAsJsonObject();
    }

    private static long resident(JsonObject health) {
        return health.get("resident_bytes").getAsLong();
    }

    private static long committed(JsonObject health) {
        return health.get("heap_committed_bytes").getAsLong();
    }

    private static long outsideHeap(JsonObject health) {
        return resident(health) - committed(health);
    }

    private static void calls(String session, int n) throws Exception {
        String[] reads = {
            "/api/health",
            "/api/models",
            "/api/editors",
            "/api/bundles",
            "/api/sessions",
            "/api/runs",
            "/api/metrics",
            "/api/sessions/" + session
        };
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response =
                    switch (i % 10) {
                        case 8 -> post(
                                host,
                                "/api/sessions/" + session + "/generate",
                                "{\"prompt\":\"The sky is\",\"tokens\":3}",
                                null);
                        case 9 -> post(
                                host,
                                "/api/sessions/" + session + "/score",
                                "{\"prompt\":\"The sky is\",\"target\":" + "\"green\"}",
                                null);
                        default -> host.get(reads[i % 10]);
                    };
            assertEquals(200, response.statusCode(), response.body());
        }
    }

    @Test
    void aRunningRunCanBeCancelledAndTheNextOneRuns() throws Exception {
        String first = run(host, "{\"editors\":[\"grace\",\"ft-l\"],\"edits\":200,\"batch\":1,\"checkpoint\":50}");
        String next = run(host, "{\"editors\":[\"ft-l\"],\"edits\":2}");
        awaitStatus(host, first, "running");
        assertEquals(202, host.post("/api/runs/" + first + "/cancel", "").statusCode());
        JsonObject cancelled = awaitStatus(host, first, "cancelled");
        assertEquals(
                "cancelled",
                cancelled
                        .getAsJsonObject("results")
                        .getAsJsonArray("editors")
                        .get(1)
                        .getAsJsonObject()
                        .get("status")
                        .getAsString(),
                "the editor after the cancel did not start");
        assertEquals(409, host.post("/api/runs/" + first + "/cancel", "").statusCode(), "an ended run stays ended");
        awaitStatus(host, next, "finished");
    }

    /**
     * kill -9 during a run: after the restart the finished run, the sessions (with their edits and
     * snapshots) are back, the run that was going is marked interrupted and resumes from its last
     * checkpoint to the end.
     */
    @Test
    void aHostKilledMidRunComesBackWithItsRunsAndSessions() throws Exception {
        Path data = fresh("recovery-host");
        String session;
        String finished;
        String interrupted;
        String prompt = "{\"prompt\":\"The home town of Risdorsa is\",\"tokens\":3}";
        String editedAnswer;
        String onSecond;
        try (Host first = Host.start(data)) {
            session = Host.json(first.post("/api/sessions", "{\"editor\":\"grace\",\"name\":\"kept\"}"))
                    .getAsJsonObject()
                    .get("id")
                    .getAsString();
            assertEquals(
                    200,
                    first.post(
                                    "/api/sessions/" + session + "/edits",
                                    "{\"edits\":[{\"prompt\":\"The home town of Risdorsa is\",\"target\":\"Paris\"}]}")
                            .statusCode());
            assertEquals(
                    201,
                    first.post("/api/sessions/" + session + "/snapshots", "{\"label\":\"paris\"}")
                            .statusCode());
            editedAnswer = edited(first, session, prompt);
            assertTrue(editedAnswer.startsWith("Paris"), editedAnswer);
            assertEquals(
                    201,
                    first.post("/api/models", "{\"id\":\"second\",\"path\":\"builtin\"}")
                            .statusCode());
            onSecond = Host.json(first.post("/api/sessions", "{\"editor\":\"grace\",\"model\":\"second\"}"))
                    .getAsJsonObject()
                    .get("id")
                    .getAsString();
            assertEquals(
                    200,
                    first.post(
                                    "/api/sessions/" + onSecond + "/edits",
                                    "{\"edits\":[{\"prompt\":\"The home town of Risdorsa is\",\"target\":\"Tokyo\"}]}")
                            .statusCode());

            finished = run(first, "{\"editors\":[\"grace\"],\"edits\":4,\"batch\":2,\"checkpoint\":2}");
            awaitStatus(first, finished, "finished");
            // a re-editing stream: the resumed run must build the same stream from the stored spec
            interrupted = run(
                    first,
                    "{\"editors\":[\"grace\",\"ft-l\"],\"edits\":80,\"batch\":2,\"checkpoint\":10,"
                            + "\"stream\":\"reedit:2:600\"}");
            awaitCheckpoints(first, interrupted, 2);
            first.kill();
        }
        try (Host second = Host.start(data)) {
            JsonObject done = Host.json(second.get("/api/runs/" + finished)).getAsJsonObject();
            assertEquals("finished", done.get("status").getAsString());
            assertEquals(
                    "ok",
                    done.getAsJsonObject("results")
                            .getAsJsonArray("editors")
                            .get(0)
                            .getAsJsonObject()
                            .get("status")
                            .getAsString());
            JsonObject cut = Host.json(second.get("/api/runs/" + interrupted)).getAsJsonObject();
            assertEquals("interrupted", cut.get("status").getAsString(), cut.toString());
            System.out.println("after kill -9 and restart: run " + finished + " " + done.get("status") + ", run "
                    + interrupted + " " + cut.get("status") + " ("
                    + cut.get("error").getAsString() + "), checkpoints "
                    + cut.getAsJsonObject("checkpoints"));

            JsonObject kept = Host.json(second.get("/api/sessions/" + session)).getAsJsonObject();
            assertEquals(1, kept.get("edits").getAsInt());
            assertEquals(
                    "paris",
                    kept.getAsJsonArray("snapshots")
                            .get(0)
                            .getAsJsonObject()
                            .get("label")
                            .getAsString());
            assertEquals(editedAnswer, edited(second, session, prompt), "the session answers as before the kill");
            assertTrue(
                    second.get("/api/models/second").statusCode() == 200, "the model loaded through the API is back");
            assertTrue(edited(second, onSecond, prompt).startsWith("Tokyo"), "and so is its session");
            System.out.println("session " + session + " after restart: " + kept.get("edits") + " edit, answers '"
                    + editedAnswer + "'");

            assertEquals(
                    202, second.post("/api/runs/" + interrupted + "/resume", "").statusCode());
            JsonObject resumed = awaitStatus(second, interrupted, "finished");
            for (JsonElement editor : resumed.getAsJsonObject("results").getAsJsonArray("editors")) {
                JsonObject e = editor.getAsJsonObject();
                assertEquals("ok", e.get("status").getAsString(), e.toString());
                assertEquals(8, e.getAsJsonArray("checkpoints").size(), "every checkpoint, before and after the kill");
            }
        }
    }

    private static String edited(Host on, String session, String prompt) throws Exception {
        return Host.json(post(on, "/api/sessions/" + session + "/generate", prompt, null))
                .getAsJsonObject()
                .get("edited")
                .getAsString();
    }

    private static String run(Host on, String spec) throws Exception {
        HttpResponse<String> response = on.post("/api/runs", spec);
        assertEquals(201, response.statusCode(), response.body());
        return Host.json(response).getAsJsonObject().get("id").getAsString();
    }

    private static JsonObject awaitStatus(Host on, String run, String status) throws Exception {
        for (int i = 0; i < 1200; i++) {
            JsonObject json = Host.json(on.get("/api/runs/" + run)).getAsJsonObject();
            if (json.get("status").getAsString().equals(status)) {
                return json;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("run " + run + " did not become " + status + ":\n" + on.log());
    }

    private static void awaitCheckpoints(Host on, String run, int atLeast) throws Exception {
        for (int i = 0; i < 1200; i++) {
            JsonObject checkpoints =
                    Host.json(on.get("/api/runs/" + run)).getAsJsonObject().getAsJsonObject("checkpoints");
            int n = checkpoints.entrySet().stream()
                    .mapToInt(e -> e.getValue().getAsJsonArray().size())
                    .sum();
            if (n >= atLeast) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + run + " measured no checkpoint:\n" + on.log());
    }
}
