package io.editlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded, deterministic fuzz of a real host ({@code ./editlab serve}) with hostile inputs of every
 * kind an outsider can send: JSON bodies for every endpoint, model folders and safetensors headers,
 * data files, bundles, credentials and Host headers, session misuse. Every answer must be below 500
 * and come within 10 s; afterwards the host must answer, its resident memory after a forced
 * garbage collection must stay within 1.5x of the start, and its log must hold no SEVERE line and
 * no stack trace. The counts per class and status are printed.
 */
class FuzzIT {

    private static final long SEED = 20_261_207L;
    private static final Duration SLOW = Duration.ofSeconds(10);

    private static Host host;
    private static Path work;
    private static String token;
    private static Path builtin;
    private final Random random = new Random(SEED);
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** class -> status -> count. */
    private final Map<String, Map<Integer, Integer>> counts = new TreeMap<>();

    private final List<String> failures = new ArrayList<>();
    private long slowestNanos;
    private String slowest = "";

    @BeforeAll
    static void start() throws Exception {
        host = Host.start(ApiIT.fresh("fuzz-host"));
        work = Files.createDirectories(ApiIT.fresh("fuzz-inputs"));
        token = host.token();
        JsonArray models = Host.json(host.get("/api/models")).getAsJsonArray();
        builtin = Path.of(models.get(0).getAsJsonObject().get("source").getAsString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void hostileInputsGetNoServerErrorNoHangAndLeaveTheHostWell() throws Exception {
        forceGc();
        long startResident = resident();
        long logStart = host.log().length();

        bodies();
        modelFolders();
        dataFiles();
        bundles();
        credentials();
        sessionMisuse();

        print(startResident);
        assertTrue(
                failures.isEmpty(),
                failures.size() + " hostile inputs were mishandled:\n"
                        + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
        int total = counts.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToInt(Integer::intValue)
                .sum();
        assertTrue(total >= 1000, "only " + total + " inputs were sent");
        assertEquals(200, host.get("/api/health").statusCode(), "the host answers after the fuzz");
        forceGc();
        long endResident = resident();
        assertTrue(
                endResident <= 1.5 * startResident,
                "resident memory grew from " + startResident / (1 << 20) + " MiB to " + endResident / (1 << 20)
                        + " MiB");
        String log = host.log().substring((int) logStart);
        assertTrue(!log.contains("SEVERE"), "the log has SEVERE lines:\n" + excerpt(log, "SEVERE"));
        assertTrue(!log.contains("\tat "), "the log has a stack trace:\n" + excerpt(log, "\tat "));
    }

    // ---- classes of inputs

    /** Malformed JSON bodies for every endpoint that takes one. */
    private void bodies() throws Exception {
        String session = createSession();
        List<String> endpoints = List.of(
                "/api/sessions",
                "/api/models",
                "/api/runs",
                "/api/sessions/" + session + "/edits",
                "/api/sessions/" + session + "/generate",
                "/api/sessions/" + session + "/score",
                "/api/sessions/" + session + "/snapshots",
                "/api/sessions/" + session + "/restore");
        List<Supplier<String>> shapes = List.of(
                () -> "",
                () -> "{",
                () -> "[1,2]",
                () -> "null",
                () -> "\"text\"",
                () -> "{}",
                () -> "{\"x\":1}",
                () -> "[".repeat(5000),
                () -> "{\"a\":" + "[".repeat(300) + "]".repeat(300) + "}",
                () -> obj("editor", randomValue()),
                () -> obj("editors", randomValue()),
                () -> obj("edits", randomValue()),
                () -> obj("prompt", randomValue()),
                () -> obj("target", randomValue()),
                () -> obj("label", randomValue()),
                () -> obj("snapshot", randomValue()),
                () -> obj("id", randomValue()),
                () -> obj("path", randomValue()),
                () -> obj("config", randomValue()),
                () -> obj("model", randomValue()),
                () -> obj("data", randomValue()),
                () -> obj("tokens", randomValue()),
                () -> obj("batch", randomValue()),
                () -> obj("seed", randomValue()),
                () -> "{\"edits\":[" + edit(randomValue(), randomValue()) + "]}",
                () -> "{\"editor\":\"grace\",\"name\":" + randomValue() + "}",
                () -> "{\"editors\":[\"grace\"],\"edits\":1,\"order\":" + randomValue() + "}",
                () -> "{\"editors\":[\"grace\"],\"edits\":1,\"eval\":" + randomValue() + "}",
                () -> "{\"editors\":[\"grace\"],\"edits\":1,\"rephrasings\":" + randomValue() + "}",
                () -> "{\"editors\":[\"grace\"],\"edits\":1,\"metrics\":" + randomValue() + "}",
                () -> "{\"editors\":[\"grace\"],\"edits\":1,\"checkpoint\":" + randomValue() + "}",
                () -> "{\"prompt\":\"The home town of\",\"tokens\":" + randomValue() + "}");
        for (int i = 0; i < 420; i++) {
            String endpoint = endpoints.get(random.nextInt(endpoints.size()));
            String body = shapes.get(random.nextInt(shapes.size())).get();
            HttpResponse<String> response = send(
                    "bodies",
                    HttpRequest.newBuilder(uri(endpoint))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)),
                    true,
                    endpoint + " " + cut(body));
            cleanUp(endpoint, response);
        }
        close(session);
    }

    /** Model folders: broken configurations, safetensors headers, special files. */
    private void modelFolders() throws Exception {
        JsonObject config = JsonParser.parseString(Files.readString(builtin.resolve("config.json")))
                .getAsJsonObject();
        String[] integers = {"n_layer", "n_head", "n_embd", "vocab_size", "n_positions", "n_inner"};
        Object[] bad = {
            0, -1, -4, 7, 1_000_000, 1e12, 1.5, "\"x\"", "null", "[]", "{}", "true", "1e400", "12345678901234567890"
        };
        int n = 0;
        for (String field : integers) {
            for (Object value : bad) {
                JsonObject c = config.deepCopy();
                c.add(field, JsonParser.parseString(String.valueOf(value)));
                loadModel("config " + field + "=" + value, folder(n++, c.toString(), true, true));
            }
        }
        for (String field : List.of("activation_function", "torch_dtype", "model_type", "layer_norm_epsilon")) {
            for (Object value :
                    new Object[] {"\"relu\"", "\"int4\"", "\"llama\"", "\"\"", 5, "null", "-1", "\"NaN\""}) {
                JsonObject c = config.deepCopy();
                c.add(field, JsonParser.parseString(String.valueOf(value)));
                loadModel("config " + field + "=" + value, folder(n++, c.toString(), true, true));
            }
        }
        for (String field : config.keySet()) {
            JsonObject c = config.deepCopy();
            c.remove(field);
            loadModel("config without " + field, folder(n++, c.toString(), true, true));
        }
        JsonObject llama = new JsonObject();
        llama.addProperty("model_type", "llama");
        llama.addProperty("num_hidden_layers", 1_000_000);
        llama.addProperty("hidden_size", 4096);
        llama.addProperty("num_attention_heads", 32);
        llama.addProperty("intermediate_size", 11008);
        llama.addProperty("vocab_size", 32000);
        loadModel("llama with 10^6 layers", folder(n++, llama.toString(), true, true));
        for (String text : List.of("", "{", "[]", "null", "\"gpt2\"", "{\"model_type\":{}}", "x".repeat(100_000))) {
            loadModel("config text " + cut(text), folder(n++, text, true, true));
        }
        loadModel("no tokenizer", folder(n++, config.toString(), true, false));
        for (int i = 0; i < 40; i++) {
            loadModel("safetensors header #" + i, folderWithWeights(n++, config.toString(), randomHeader()));
        }
        Path fifo = Files.createDirectories(work.resolve("model-fifo"));
        new ProcessBuilder("mkfifo", fifo.resolve("config.json").toString())
                .start()
                .waitFor();
        CompletableFuture<HttpResponse<String>> hanging = CompletableFuture.supplyAsync(() -> {
            try {
                return send(
                        "models",
                        post("/api/models", obj("id", "\"fifo\"").replace("}", ",\"path\":\"" + fifo + "\"}")),
                        true,
                        "FIFO config.json");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long t0 = System.nanoTime();
        HttpResponse<String> meanwhile = send(
                "models",
                HttpRequest.newBuilder(uri("/api/sessions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"editor\":\"grace\"}")),
                true,
                "a session while a FIFO is being loaded");
        cleanUp("/api/sessions", meanwhile);
        hanging.get();
        assertTrue(System.nanoTime() - t0 < SLOW.toNanos(), "a FIFO blocked the host");
        Path loop = Files.createDirectories(work.resolve("model-loop"));
        Files.createSymbolicLink(loop.resolve("config.json"), loop.resolve("config.json"));
        loadModel("symlink loop", loop);
        Path dirConfig = Files.createDirectories(work.resolve("model-dir").resolve("config.json"));
        loadModel("directory as config.json", dirConfig.getParent());
        for (String id : List.of(
                "\"\"",
                "\"a/b\"",
                "\"../../etc/passwd\"",
                "\"a\\u0000b\"",
                "\"a\\nb\"",
                "\"" + "m".repeat(5000) + "\"",
                "\"" + "m".repeat(201) + "\"",
                "\".\"",
                "\"..\"",
                "null",
                "[]")) {
            HttpResponse<String> response = send(
                    "models",
                    post("/api/models", "{\"id\":" + id + ",\"path\":\"" + builtin + "\"}"),
                    true,
                    "model id " + cut(id));
            cleanUp("/api/models", response);
            if (response.statusCode() < 300) {
                failures.add("model id " + cut(id) + " was accepted");
            }
        }
        for (String path : List.of(
                "\"a\\u0000b\"",
                "\"" + "p".repeat(5000) + "\"",
                "\"/dev/zero\"",
                "\"/proc\"",
                "\"\"",
                "\"relative/nothing\"")) {
            cleanUp(
                    "/api/models",
                    send(
                            "models",
                            post("/api/models", "{\"id\":\"p" + random.nextInt(1000) + "\",\"path\":" + path + "}"),
                            true,
                            "model path " + cut(path)));
        }
    }

    /** Run requests whose data files are broken. */
    private void dataFiles() throws Exception {
        List<String> texts = List.of(
                "",
                "{",
                "[]",
                "[{}]",
                "[1,2]",
                "{\"a\":1}",
                "[{\"src\":1}]",
                "[{\"src\":\"a\",\"alt\":\"b\",\"rephrase\":\"c\",\"loc\":\"d\",\"loc_ans\":\"e\"}]",
                "[{\"requested_rewrite\":{}}]",
                "[{\"case_id\":1,\"requested_rewrite\":{\"prompt\":\"{} is\","
                        + "\"subject\":\"x\",\"target_new\":{\"str\":\"y\"},\"target_true\":{\"str\":\"z\"}}}]",
                "[{\"src\":\"" + "word ".repeat(3000) + "\",\"alt\":\"b\",\"rephrase\":\"c\",\"loc\":\"d\","
                        + "\"loc_ans\":\"e\"}]",
                "\u0000\u0001\u0002",
                "[" + "{},".repeat(2000) + "{}]");
        for (int i = 0; i < 120; i++) {
            Path file = work.resolve("data-" + i + ".json");
            String text = texts.get(i % texts.size());
            Files.writeString(file, i % 3 == 0 ? mutate(text) : text);
            String format = List.of("", ",\"format\":\"zsre\"", ",\"format\":\"counterfact\"", ",\"format\":\"x\"")
                    .get(random.nextInt(4));
            cleanUp(
                    "/api/runs",
                    send(
                            "data",
                            post(
                                    "/api/runs",
                                    "{\"editors\":[\"grace\"],\"edits\":1,\"data\":\"" + file + "\"" + format + "}"),
                            true,
                            "data file " + cut(text)));
        }
        Path fifo = work.resolve("data-fifo.json");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        for (String data : List.of(work.toString(), fifo.toString(), "a\\u0000b", "/dev/zero", "p".repeat(3000))) {
            cleanUp(
                    "/api/runs",
                    send(
                            "data",
                            post("/api/runs", "{\"editors\":[\"grace\"],\"edits\":1,\"data\":\"" + data + "\"}"),
                            true,
                            "data " + cut(data)));
        }
        cleanUp(
                "/api/runs",
                send(
                        "data",
                        post("/api/runs", "{\"editors\":[\"grace\",\"grace\"],\"edits\":1}"),
                        true,
                        "an editor twice"));
    }

    /** Bundle uploads and updates that are not what they should be. */
    private void bundles() throws Exception {
        for (int i = 0; i < 30; i++) {
            byte[] junk = new byte[random.nextInt(4096)];
            random.nextBytes(junk);
            cleanUpBundle(upload("junk-" + i, junk));
        }
        for (String name : List.of(
                "system.bundle",
                "io.editlab.runtime",
                "io.editlab.api",
                "org.apache.felix.scr",
                "org.osgi.evil",
                "io.editlab.fuzz.ok;singleton:=true",
                "",
                " ",
                "a\nb")) {
            cleanUpBundle(upload("name " + cut(name), HostileInputs.jar(name, "1.0.0", null)));
        }
        byte[] good = HostileInputs.jar("io.editlab.fuzz.swap", "1.0.0", null);
        HttpResponse<String> first = upload("swap v1", good);
        long id = Host.json(first).getAsJsonObject().get("id").getAsLong();
        HttpResponse<String> broken = upload(
                "swap v2 with a failing activator",
                HostileInputs.jar("io.editlab.fuzz.swap", "2.0.0", "io.editlab.fuzz.NoSuchActivator"));
        if (broken.statusCode() != 400) {
            failures.add("an update whose activator fails answered " + broken.statusCode());
        }
        String state = Host.json(host.get("/api/bundles")).getAsJsonArray().asList().stream()
                .map(JsonElement::getAsJsonObject)
                .filter(b -> b.get("id").getAsLong() == id)
                .map(b -> b.get("version").getAsString() + " " + b.get("state").getAsString())
                .findFirst()
                .orElse("gone");
        if (!state.equals("1.0.0 active")) {
            failures.add("after a failed update the bundle is " + state + ", not 1.0.0 active");
        }
        for (int i = 0; i < 10; i++) {
            send(
                    "bundles",
                    HttpRequest.newBuilder(uri("/api/bundles/" + id))
                            .header("Content-Type", "application/java-archive")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(
                                    i % 2 == 0 ? new byte[0] : HostileInputs.jar("other.name", "1.0.0", null))),
                    true,
                    "bad update " + i);
        }
        for (String target : List.of("0", "-1", "abc", "99999999999999999999", String.valueOf(id))) {
            send(
                    "bundles",
                    HttpRequest.newBuilder(uri("/api/bundles/" + target)).DELETE(),
                    true,
                    "delete " + target);
        }
    }

    /** Wrong credentials and Host headers. */
    private void credentials() throws Exception {
        List<String> headers = List.of(
                "Bearer  " + token,
                "Bearer " + token + "," + token,
                "Bearer " + token.toUpperCase(java.util.Locale.ROOT),
                "Bearer " + token.substring(1),
                "Bearer " + token + "x",
                "Basic " + token,
                "Bearer",
                "Bearer ",
                token,
                "Bearer " + "x".repeat(4000),
                "Bearer:" + token);
        // Connections that never carried the right token: Jetty's per-connection header cache matches a
        // repeated header case-insensitively and would hand the servlet the cached, correct token.
        HttpClient stranger =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 120; i++) {
            String header = headers.get(i % headers.size());
            HttpResponse<String> response = send(
                    "credentials",
                    stranger,
                    HttpRequest.newBuilder(uri("/api/sessions"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", header)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"editor\":\"grace\"}")),
                    false,
                    "Authorization " + cut(header));
            if (response.statusCode() != 401) {
                failures.add("Authorization " + cut(header) + " answered " + response.statusCode() + ", not 401");
                cleanUp("/api/sessions", response);
            }
        }
        for (String name : List.of(
                "evil.example",
                "evil.example:" + host.base().getPort(),
                "127.0.0.1.evil.example",
                "localhost.evil",
                "0.0.0.0",
                "[::2]")) {
            int status = HostileInputs.rawGet(host, "/api/sessions", name);
            counts.computeIfAbsent("credentials", k -> new TreeMap<>()).merge(status, 1, Integer::sum);
            if (status != 421) {
                failures.add("a token-less read with Host " + name + " answered " + status + ", not 421");
            }
        }
    }

    /** Calls in the wrong order, on the wrong ids, or too big. */
    private void sessionMisuse() throws Exception {
        String session = createSession();
        String base = "/api/sessions/" + session;
        for (String path : List.of(
                "/api/sessions/nope",
                "/api/sessions/%00",
                "/api/sessions/..%2f..",
                "/api/runs/nope",
                "/api/runs/nope/results",
                "/api/runs/nope/events",
                "/api/models/nope",
                "/api/sessions/" + "s".repeat(3000),
                "/api/x/y/z/w")) {
            for (String method : List.of("GET", "DELETE", "POST")) {
                send(
                        "sessions",
                        HttpRequest.newBuilder(uri(path))
                                .header("Content-Type", "application/json")
                                .method(method, HttpRequest.BodyPublishers.ofString("{}")),
                        true,
                        method + " " + cut(path));
            }
        }
        for (int i = 0; i < 20; i++) {
            send("sessions", post(base + "/rollback", ""), true, "rollback without batches");
            send(
                    "sessions",
                    post(base + "/restore", "{\"snapshot\":" + (i + 1) + "}"),
                    true,
                    "restore a missing snapshot");
            send("sessions", post("/api/runs/nope/cancel", ""), true, "cancel a missing run");
            send("sessions", post("/api/runs/nope/resume", ""), true, "resume a missing run");
        }
        String fact = edit("\"The home town of Risdorsa is\"", "\"Paris\"");
        for (int i = 0; i < 7; i++) {
            send("sessions", post(base + "/edits", "{\"edits\":[" + fact + "]}"), true, "a batch");
        }
        for (int i = 0; i < 10; i++) {
            send("sessions", post(base + "/rollback", ""), true, "rollback " + i + " past the kept batches");
        }
        for (int length : new int[] {1, 200, 201, 5000}) {
            for (int i = 0; i < 3; i++) {
                send(
                        "sessions",
                        post(base + "/snapshots", "{\"label\":\"" + "x".repeat(length) + "\"}"),
                        true,
                        "snapshot label of " + length);
            }
        }
        HttpResponse<String> after = send(
                "sessions", post(base + "/snapshots", "{\"label\":\"after\"}"), true, "a snapshot after long labels");
        if (after.statusCode() != 201) {
            failures.add("a snapshot after refused labels answered " + after.statusCode() + ": " + after.body());
        }
        StringBuilder many = new StringBuilder("{\"edits\":[");
        for (int i = 0; i < 1000; i++) {
            many.append(i == 0 ? "" : ",").append(fact);
        }
        send("sessions", post(base + "/edits", many + "]}"), true, "1,000 edits in one request");
        for (int i = 0; i < 15; i++) {
            send(
                    "sessions",
                    post(
                            base + "/generate",
                            List.of(
                                            "{\"prompt\":\"\"}",
                                            "{\"prompt\":\" \"}",
                                            "{\"prompt\":\"" + "a ".repeat(700) + "\"}",
                                            "{\"prompt\":\"x\",\"tokens\":0}")
                                    .get(i % 4)),
                    false,
                    "generate " + i);
            send(
                    "sessions",
                    post(
                            base + "/score",
                            List.of(
                                            "{\"prompt\":\"a\",\"target\":\"\"}",
                                            "{\"prompt\":\"a\",\"target\":\" \"}",
                                            "{\"prompt\":\"" + "a ".repeat(700) + "\",\"target\":\"b\"}")
                                    .get(i % 3)),
                    false,
                    "score " + i);
        }
        String busy = createSession();
        StringBuilder batch = new StringBuilder("{\"edits\":[");
        for (int i = 0; i < 10; i++) {
            batch.append(i == 0 ? "" : ",").append(fact);
        }
        CompletableFuture<HttpResponse<String>> applying = CompletableFuture.supplyAsync(() -> {
            try {
                return send(
                        "sessions",
                        post("/api/sessions/" + busy + "/edits", batch + "]}"),
                        true,
                        "a batch while the session is closed");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        long t0 = System.nanoTime();
        send("sessions", HttpRequest.newBuilder(uri("/api/sessions/" + busy)).DELETE(), true, "close while applying");
        if (System.nanoTime() - t0 > Duration.ofSeconds(2).toNanos()) {
            failures.add("closing a busy session took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        applying.get();
        for (int i = 0; i < 12; i++) {
            send(
                    "sessions",
                    HttpRequest.newBuilder(uri("/api/sessions/" + busy)).DELETE(),
                    true,
                    "close twice");
            send(
                    "sessions",
                    post("/api/sessions/" + busy + "/generate", "{\"prompt\":\"a\"}"),
                    false,
                    "generate on a closed session");
        }
        close(session);
    }

    // ---- sending and checking

    private HttpResponse<String> send(String kind, HttpRequest.Builder request, boolean withToken, String what)
            throws IOException, InterruptedException {
        return send(kind, http, request, withToken, what);
    }

    private HttpResponse<String> send(
            String kind, HttpClient client, HttpRequest.Builder request, boolean withToken, String what)
            throws IOException, InterruptedException {
        if (withToken) {
            request.header("Authorization", "Bearer " + token);
        }
        long t0 = System.nanoTime();
        HttpResponse<String> response;
        try {
            HttpRequest built = request.timeout(SLOW.plusSeconds(20)).build();
            try {
                response = client.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (java.net.http.HttpTimeoutException e) {
                throw e;
            } catch (IOException closed) {
                // the host closed a pooled connection after refusing a malformed request line (Jetty
                // answers those with "Connection: close"): the client's race, sent once more afresh
                response = HttpClient.newHttpClient()
                        .send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            }
        } catch (java.net.http.HttpTimeoutException e) {
            failures.add(kind + ": no answer within " + SLOW.plusSeconds(20) + " to " + what);
            counts.computeIfAbsent(kind, k -> new TreeMap<>()).merge(0, 1, Integer::sum);
            throw e;
        }
        long nanos = System.nanoTime() - t0;
        if (nanos > slowestNanos) {
            slowestNanos = nanos;
            slowest = kind + ": " + what + " -> " + response.statusCode();
        }
        counts.computeIfAbsent(kind, k -> new TreeMap<>()).merge(response.statusCode(), 1, Integer::sum);
        if (response.statusCode() >= 500) {
            failures.add(kind + ": " + what + " -> " + response.statusCode() + " " + cut(response.body()));
        }
        if (nanos > SLOW.toNanos()) {
            failures.add(kind + ": " + what + " took " + nanos / 1_000_000 + " ms");
        }
        if (response.body().length() > 8192 && response.statusCode() >= 400) {
            failures.add(
                    kind + ": " + what + " -> an error of " + response.body().length() + " characters");
        }
        return response;
    }

    /** Unloads, closes or cancels what an accidentally valid input created, so the fuzz stays light. */
    private void cleanUp(String endpoint, HttpResponse<String> response) throws Exception {
        if (response.statusCode() != 201) {
            return;
        }
        JsonObject created = Host.json(response).getAsJsonObject();
        if (endpoint.equals("/api/sessions")) {
            close(created.get("id").getAsString());
        } else if (endpoint.equals("/api/models")) {
            host.delete("/api/models/" + created.get("id").getAsString());
        } else if (endpoint.equals("/api/runs")) {
            host.post("/api/runs/" + created.get("id").getAsString() + "/cancel", "");
        }
    }

    private void cleanUpBundle(HttpResponse<String> response) throws Exception {
        if (response.statusCode() < 300) {
            host.delete("/api/bundles/"
                    + Host.json(response).getAsJsonObject().get("id").getAsLong());
        }
    }

    private void loadModel(String what, Path folder) throws Exception {
        String id = "fuzz-" + random.nextInt(1_000_000);
        HttpResponse<String> response =
                send("models", post("/api/models", "{\"id\":\"" + id + "\",\"path\":\"" + folder + "\"}"), true, what);
        if (response.statusCode() == 201) {
            host.delete("/api/models/" + id);
        }
    }

    private String createSession() throws Exception {
        HttpResponse<String> created = host.post("/api/sessions", "{\"editor\":\"grace\"}");
        assertEquals(201, created.statusCode(), created.body());
        return Host.json(created).getAsJsonObject().get("id").getAsString();
    }

    private void close(String session) throws Exception {
        host.delete("/api/sessions/" + session);
    }

    private HttpResponse<String> upload(String what, byte[] jar) throws Exception {
        return send(
                "bundles",
                HttpRequest.newBuilder(uri("/api/bundles"))
                        .header("Content-Type", "application/java-archive")
                        .header("X-File-Name", "fuzz.jar")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(jar)),
                true,
                what);
    }

    private HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private URI uri(String path) {
        return URI.create(host.base() + path);
    }

    // ---- generated inputs

    private String randomValue() {
        return switch (random.nextInt(16)) {
            case 0 -> "null";
            case 1 -> "-1";
            case 2 -> "0";
            case 3 -> "1e308";
            case 4 -> "123456789012345678901234567890";
            case 5 -> "1.5";
            case 6 -> "\"\"";
            case 7 -> "\"" + "x".repeat(random.nextInt(200_000)) + "\"";
            case 8 -> "\"a\\u0000b\"";
            case 9 -> "\"line\\nbreak\"";
            case 10 -> "[]";
            case 11 -> "{}";
            case 12 -> "[\"grace\",\"grace\"]";
            case 13 -> "{\"grace\":{\"epsilon\":\"-5\"}}";
            case 14 -> "true";
            default -> "\"\\u202e\\ud83d\\ude00\"";
        };
    }

    private static String obj(String field, String value) {
        return "{\"" + field + "\":" + value + "}";
    }

    private static String edit(String prompt, String target) {
        return "{\"prompt\":" + prompt + ",\"target\":" + target + "}";
    }

    private String mutate(String text) {
        if (text.isEmpty()) {
            return "\u0000";
        }
        char[] chars = text.toCharArray();
        for (int i = 0; i < 1 + random.nextInt(4); i++) {
            String noise = "{}[]\",:\u0000x9";
            chars[random.nextInt(chars.length)] = noise.charAt(random.nextInt(noise.length()));
        }
        return new String(chars);
    }

    /** A folder with the given config.json, optionally the built-in weights (linked) and tokenizer. */
    private Path folder(int n, String config, boolean weights, boolean tokenizer) throws IOException {
        return HostileInputs.modelFolder(work.resolve("model-" + n), builtin, config, weights, tokenizer);
    }

    private Path folderWithWeights(int n, String config, byte[] safetensors) throws IOException {
        Path folder = folder(n, config, false, true);
        Files.write(folder.resolve("model.safetensors"), safetensors);
        return folder;
    }

    /** A safetensors file whose header is broken in one of many ways. */
    private byte[] randomHeader() {
        String entry =
                switch (random.nextInt(12)) {
                    case 0 -> "{\"dtype\":\"F32\",\"shape\":[NaN],\"data_offsets\":[0,4]}";
                    case 1 -> "{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}";
                    case 2 -> "{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}";
                    case 3 -> "{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}";
                    case 4 -> "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}";
                    case 5 -> "{\"dtype\":\"Q4\",\"shape\":[1],\"data_offsets\":[0,4]}";
                    case 6 -> "{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}";
                    case 7 -> "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}";
                    case 8 -> "{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}";
                    case 9 -> "[1,2,3]";
                    case 10 -> "{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}";
                    default -> "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
                };
        String header =
                random.nextInt(5) == 0 ? "{\"__metadata__\":[1]}" : "{\"transformer.wte.weight\":" + entry + "}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        long declared =
                switch (random.nextInt(6)) {
                    case 0 -> -5;
                    case 1 -> Long.MAX_VALUE;
                    case 2 -> json.length + 1000;
                    default -> json.length;
                };
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(declared).put(json).putInt(0);
        return file.array();
    }

    // ---- reporting

    private long resident() throws Exception {
        return Host.json(host.get("/api/health"))
                .getAsJsonObject()
                .get("resident_bytes")
                .getAsLong();
    }

    private static void forceGc() throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), Long.toString(host.pid()), "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start()
                .waitFor();
        Thread.sleep(500);
    }

    private void print(long startResident) throws Exception {
        forceGc();
        StringBuilder out = new StringBuilder("\nFuzz of the host (seed " + SEED + "): inputs per class and answers\n");
        out.append(String.format("%-12s %7s  %s%n", "class", "inputs", "statuses"));
        int total = 0;
        for (Map.Entry<String, Map<Integer, Integer>> kind : counts.entrySet()) {
            int inputs = kind.getValue().values().stream()
                    .mapToInt(Integer::intValue)
                    .sum();
            total += inputs;
            out.append(String.format("%-12s %7d  %s%n", kind.getKey(), inputs, kind.getValue()));
        }
        out.append(String.format("%-12s %7d%n", "all", total));
        out.append("slowest answer: ")
                .append(slowestNanos / 1_000_000)
                .append(" ms (")
                .append(slowest)
                .append(")\n");
        out.append("resident memory after a forced GC: ")
                .append(startResident / (1 << 20))
                .append(" MiB before, ")
                .append(resident() / (1 << 20))
                .append(" MiB after\n");
        out.append("mishandled: ").append(failures.size()).append('\n');
        System.out.println(out);
    }

    private static String cut(String text) {
        String flat = text.replace("\n", "\\n").replace("\u0000", "\\0");
        return flat.length() <= 100 ? flat : flat.substring(0, 100) + "... (" + flat.length() + " chars)";
    }

    private static String excerpt(String log, String needle) {
        int at = log.indexOf(needle);
        return log.substring(Math.max(0, at - 1500), Math.min(log.length(), at + 1500));
    }
}
