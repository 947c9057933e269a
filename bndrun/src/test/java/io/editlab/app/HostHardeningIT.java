package io.editlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One test for each way a black-box fuzz once broke the host (5xx answers, hangs, a state broken for
 * good), against a real {@code ./editlab serve}.
 */
class HostHardeningIT {

    private static final String FACT = "{\"prompt\":\"The home town of Risdorsa is\",\"target\":\"Paris\"}";

    static Host host;
    static Path inputs;
    static Path builtin;

    @BeforeAll
    static void start() throws Exception {
        host = Host.start(ApiIT.fresh("hardening-host"));
        inputs = Files.createDirectories(ApiIT.fresh("hardening-inputs"));
        builtin = Path.of(Host.json(host.get("/api/models"))
                .getAsJsonArray()
                .get(0)
                .getAsJsonObject()
                .get("source")
                .getAsString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    private static String session() throws Exception {
        HttpResponse<String> created = host.post("/api/sessions", "{\"editor\":\"grace\"}");
        assertEquals(201, created.statusCode(), created.body());
        return Host.json(created).getAsJsonObject().get("id").getAsString();
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String says) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.body().contains(says), response.body());
    }

    /** A model folder: the built-in model's files (linked) with {@code config} as its config.json. */
    private static Path modelFolder(String name, String config, boolean tokenizer) throws Exception {
        return HostileInputs.modelFolder(inputs.resolve(name), builtin, config, true, tokenizer);
    }

    private static String builtinConfigWith(String field, String value) throws Exception {
        String text = Files.readString(builtin.resolve("config.json"));
        JsonObject json = JsonParser.parseString(text).getAsJsonObject();
        json.add(field, JsonParser.parseString(value));
        return json.toString();
    }

    private static HttpResponse<String> loadModel(String id, Path folder) throws Exception {
        return host.post("/api/models", "{\"id\":\"" + id + "\",\"path\":\"" + folder + "\"}");
    }

    @Test
    void rollingBackPastTheKeptBatchesIsAConflictNotACrash() throws Exception {
        String id = session();
        for (int i = 0; i < 7; i++) {
            assertEquals(
                    200,
                    host.post("/api/sessions/" + id + "/edits", "{\"edits\":[" + FACT + "]}")
                            .statusCode());
        }
        for (int batches = 6; batches >= 3; batches--) { // the state files of batches 3 to 7 are kept
            HttpResponse<String> rolled = host.post("/api/sessions/" + id + "/rollback", "");
            assertEquals(200, rolled.statusCode(), rolled.body());
            assertEquals(
                    batches, Host.json(rolled).getAsJsonObject().get("batches").getAsInt());
        }
        assertAnswer(host.post("/api/sessions/" + id + "/rollback", ""), 409, "no longer kept");
        host.delete("/api/sessions/" + id);
    }

    @Test
    void aFailingBatchIsRolledBackInMemory() throws Exception {
        HttpResponse<String> created = host.post(
                "/api/sessions", "{\"editor\":\"grace\",\"config\":{\"learningRate\":\"1e30\",\"steps\":\"5\"}}");
        assertEquals(201, created.statusCode(), created.body());
        String id = Host.json(created).getAsJsonObject().get("id").getAsString();
        assertAnswer(
                host.post("/api/sessions/" + id + "/edits", "{\"edits\":[" + FACT + "]}"),
                422,
                "the session is as it was before it");
        HttpResponse<String> scored = host.post("/api/sessions/" + id + "/score", FACT);
        assertEquals(200, scored.statusCode(), scored.body());
        JsonObject score = Host.json(scored).getAsJsonObject();
        assertEquals(score.get("base"), score.get("edited"), "no codebook entry of the failed batch is left");
        host.delete("/api/sessions/" + id);
    }

    @Test
    void anEditorNamedTwiceInARunIsRefused() throws Exception {
        assertAnswer(
                host.post("/api/runs", "{\"editors\":[\"grace\",\"grace\"],\"edits\":1}"),
                400,
                "'editors[1]': 'grace' is named twice");
        assertEquals(0, Host.json(host.get("/api/runs")).getAsJsonArray().size(), "no run was recorded");
    }

    @Test
    void aNulInAFolderOrDataFieldIsRefused() throws Exception {
        assertAnswer(host.post("/api/models", "{\"id\":\"m\",\"path\":\"a\\u0000b\"}"), 400, "field 'path'");
        assertAnswer(host.post("/api/runs", "{\"editors\":[\"grace\"],\"data\":\"a\\u0000b\"}"), 400, "field 'data'");
    }

    @Test
    void anOverlongSnapshotLabelLeavesLaterSnapshotsWorking() throws Exception {
        String id = session();
        assertEquals(
                200,
                host.post("/api/sessions/" + id + "/edits", "{\"edits\":[" + FACT + "]}")
                        .statusCode());
        assertAnswer(
                host.post("/api/sessions/" + id + "/snapshots", "{\"label\":\"" + "x".repeat(201) + "\"}"),
                400,
                "'label' has 201 characters; at most 200");
        HttpResponse<String> kept =
                host.post("/api/sessions/" + id + "/snapshots", "{\"label\":\"" + "x".repeat(200) + "\"}");
        assertEquals(201, kept.statusCode(), kept.body());
        assertEquals(1, Host.json(kept).getAsJsonObject().get("number").getAsInt());
        assertEquals(201, host.post("/api/sessions/" + id + "/snapshots", "{}").statusCode());
        try (var files = Files.list(host.data().resolve("sessions").resolve(id))) {
            assertEquals(
                    2,
                    files.filter(f -> f.getFileName().toString().startsWith("snapshot-"))
                            .count(),
                    "one file per kept snapshot, no partial files");
        }
        host.delete("/api/sessions/" + id);
    }

    @Test
    void generateAndScoreRefuseBlankOrOverlongInput() throws Exception {
        String id = session();
        assertAnswer(
                host.post("/api/sessions/" + id + "/generate", "{\"prompt\":\"\"}"), 400, "'prompt' must not be blank");
        assertAnswer(
                host.post("/api/sessions/" + id + "/score", "{\"prompt\":\"a\",\"target\":\" \"}"),
                400,
                "'target' must not be blank");
        assertAnswer(
                host.post("/api/sessions/" + id + "/generate", "{\"prompt\":\"" + "the ".repeat(700) + "\"}"),
                400,
                "has 700 tokens");
        host.delete("/api/sessions/" + id);
    }

    @Test
    void oneRequestCarriesAtMostTheEditCap() throws Exception {
        String id = session();
        String many = "{\"edits\":[" + (FACT + ",").repeat(999) + FACT + "]}";
        long t0 = System.nanoTime();
        assertAnswer(host.post("/api/sessions/" + id + "/edits", many), 413, "at most 64");
        assertTrue(System.nanoTime() - t0 < 5e9, "refused at once");
        host.delete("/api/sessions/" + id);
    }

    @Test
    void closingABusySessionAnswersAtOnce() throws Exception {
        String id = session();
        String batch = "{\"edits\":[" + (FACT + ",").repeat(9) + FACT + "]}";
        CompletableFuture<HttpResponse<String>> applying = CompletableFuture.supplyAsync(() -> {
            try {
                return host.post("/api/sessions/" + id + "/edits", batch);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        long t0 = System.nanoTime();
        assertEquals(204, host.delete("/api/sessions/" + id).statusCode());
        assertTrue(System.nanoTime() - t0 < 2e9, "close answered in " + (System.nanoTime() - t0) / 1e6 + " ms");
        HttpResponse<String> applied = applying.get();
        assertTrue(
                applied.statusCode() == 409 || applied.statusCode() == 404 || applied.statusCode() == 200,
                applied.body());
        assertEquals(404, host.get("/api/sessions/" + id).statusCode());
        for (int i = 0; i < 50 && Files.exists(host.data().resolve("sessions").resolve(id)); i++) {
            Thread.sleep(200);
        }
        assertFalse(Files.exists(host.data().resolve("sessions").resolve(id)), "its files are gone");
    }

    @Test
    void aFailedBundleUpdateBringsThePreviousVersionBack() throws Exception {
        HttpResponse<String> v1 = upload(HostileInputs.jar("io.editlab.hardening.swap", "1.0.0", null));
        assertEquals(201, v1.statusCode(), v1.body());
        long id = Host.json(v1).getAsJsonObject().get("id").getAsLong();
        assertAnswer(
                upload(HostileInputs.jar("io.editlab.hardening.swap", "2.0.0", "io.example.NoSuchActivator")),
                400,
                "the previous version 1.0.0 is back");
        JsonObject bundle = Host.json(host.get("/api/bundles")).getAsJsonArray().asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(b -> b.get("id").getAsLong() == id)
                .findFirst()
                .orElseThrow();
        assertEquals("1.0.0", bundle.get("version").getAsString());
        assertEquals("active", bundle.get("state").getAsString());
        assertEquals(204, host.delete("/api/bundles/" + id).statusCode());
    }

    @Test
    void aBundleNamedLikeTheFrameworkIsRefused() throws Exception {
        assertAnswer(upload(HostileInputs.jar("system.bundle", "1.0.0", null)), 403, "a name of the host's own");
    }

    @Test
    void modelIdsAreRestricted() throws Exception {
        for (String id : new String[] {"", "a/b", "../../etc/passwd", "a\\nb", "m".repeat(201)}) {
            assertAnswer(
                    host.post("/api/models", "{\"id\":\"" + id + "\",\"path\":\"" + builtin + "\"}"),
                    400,
                    "field 'id'");
        }
        assertEquals(1, Host.json(host.get("/api/models")).getAsJsonArray().size(), "nothing was loaded");
    }

    @Test
    void anAbsurdModelConfigIsRefusedAtOnce() throws Exception {
        long t0 = System.nanoTime();
        assertAnswer(
                loadModel("huge", modelFolder("huge", builtinConfigWith("n_layer", "1000000"), true)),
                400,
                "'n_layer' must be between 1 and 1024");
        assertAnswer(
                loadModel("zero", modelFolder("zero", builtinConfigWith("n_head", "0"), true)),
                400,
                "'n_head' must be between 1");
        assertAnswer(
                loadModel("act", modelFolder("act", builtinConfigWith("activation_function", "\"relu\""), true)),
                400,
                "'activation_function' is");
        assertTrue(System.nanoTime() - t0 < 5e9, "refused within seconds");
    }

    @Test
    void aFifoConfigNeitherHangsNorBlocksTheHost() throws Exception {
        Path folder = Files.createDirectories(inputs.resolve("fifo"));
        assertEquals(
                0,
                new ProcessBuilder("mkfifo", folder.resolve("config.json").toString())
                        .start()
                        .waitFor());
        CompletableFuture<HttpResponse<String>> loading = CompletableFuture.supplyAsync(() -> {
            try {
                return loadModel("fifo", folder);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String id = session(); // answered while the FIFO is being refused
        assertAnswer(loading.get(), 400, "not a regular file");
        host.delete("/api/sessions/" + id);
    }

    @Test
    void aModelFolderWithoutTokenizerIsRefused() throws Exception {
        Path folder = modelFolder("no-tokenizer", Files.readString(builtin.resolve("config.json")), false);
        assertAnswer(loadModel("bare", folder), 400, "has no tokenizer");
        assertEquals(404, host.get("/api/models/bare").statusCode());
    }

    @Test
    void aTokenlessReadNamingAnotherHostIsRefused() throws Exception {
        assertEquals(421, HostileInputs.rawGet(host, "/api/sessions", "evil.example"));
        assertEquals(
                200,
                HostileInputs.rawGet(
                        host, "/api/sessions", "localhost:" + host.base().getPort()));
    }

    @Test
    void aDataRecordTooLongForTheModelIsNamed() throws Exception {
        Path file = inputs.resolve("long.json");
        Files.writeString(
                file,
                "[{\"src\":\"" + "word ".repeat(100) + "\",\"alt\":\"b\",\"rephrase\":\"c\",\"loc\":\"d\","
                        + "\"loc_ans\":\"e\",\"answers\":[\"f\"]}]");
        assertAnswer(
                host.post("/api/runs", "{\"editors\":[\"grace\"],\"data\":\"" + file + "\",\"format\":\"zsre\"}"),
                400,
                "field 'prompt': the prompt (");
    }

    @Test
    void errorsDoNotEchoAHugeField() throws Exception {
        HttpResponse<String> answer = host.post("/api/sessions", "{\"editor\":\"" + "e".repeat(900 * 1024) + "\"}");
        assertEquals(400, answer.statusCode());
        assertTrue(answer.body().length() < 1000, answer.body().length() + " characters");
    }

    @Test
    void aBearerWithTwoSpacesIsRefused() throws Exception {
        HttpResponse<String> answer =
                ApiIT.post(host, "/api/sessions", "{\"editor\":\"grace\"}", "Bearer  " + host.token());
        assertEquals(401, answer.statusCode(), answer.body());
    }

    private static HttpResponse<String> upload(byte[] jar) throws Exception {
        return host.send(
                HttpRequest.newBuilder(host.base().resolve("/api/bundles"))
                        .header("Content-Type", "application/java-archive")
                        .header("X-File-Name", "swap.jar")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(jar)),
                true);
    }
}
