package io.editlab.app;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An EditLab host started the way a user starts it ({@code ./editlab serve}) on a free port, with
 * its own data folder and deploy folder, for end-to-end tests. Its output goes to {@code host.log}
 * in the data folder.
 */
final class Host implements AutoCloseable {

    /** The project root (this module is {@code bndrun/}). */
    static final Path ROOT =
            Path.of(System.getProperty("editlab.root", "..")).toAbsolutePath().normalize();

    private static final Duration START = Duration.ofMinutes(10); // first start pretrains the built-in model

    private final Process process;
    private final Path data;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Host(Process process, Path data, int port) {
        this.process = process;
        this.data = data;
        this.port = port;
    }

    /** Starts a host on {@code data} (created if needed) and waits until its API answers. */
    static Host start(Path data) throws IOException, InterruptedException {
        Files.createDirectories(data);
        Path deploy = Files.createDirectories(data.resolveSibling(data.getFileName() + "-deploy"));
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                "bash",
                ROOT.resolve("editlab").toString(),
                "serve",
                "--port",
                Integer.toString(port),
                "--data-dir",
                data.toString(),
                "--model",
                "builtin"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        data.resolve("host.log").toFile()));
        builder.environment().put("EDITLAB_DEPLOY", deploy.toString());
        // A fixed, pre-touched heap: the resident memory then changes only outside the Java heap
        // (tensors, native allocations, threads), which is what the memory test watches.
        builder.environment()
                .put(
                        "JAVA_OPTS",
                        "-Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.pytorch.num_threads=1"
                                + " -Dai.djl.pytorch.num_interop_threads=1");
        Host host = new Host(builder.start(), data, port);
        host.awaitUp();
        return host;
    }

    private void awaitUp() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the host exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get("/api/health").statusCode() == 200 && Files.exists(data.resolve("token"))) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        kill();
        throw new IllegalStateException("the host did not answer within " + START + ":\n" + log());
    }

    /** Deletes {@code root} and everything under it, if it exists. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    Path data() {
        return data;
    }

    long pid() {
        return process.pid();
    }

    String token() throws IOException {
        return Files.readString(data.resolve("token")).strip();
    }

    String log() throws IOException {
        Path log = data.resolve("host.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base().resolve(path)).GET(), false);
    }

    /** POST with the token. */
    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(base().resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)),
                true);
    }

    /** DELETE with the token. */
    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base().resolve(path)).DELETE(), true);
    }

    HttpResponse<String> send(HttpRequest.Builder request, boolean withToken) throws IOException, InterruptedException {
        if (withToken) {
            request.header("Authorization", "Bearer " + token());
        }
        return http.send(
                request.timeout(Duration.ofMinutes(2)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static JsonElement json(HttpResponse<String> response) {
        return JsonParser.parseString(response.body());
    }

    /** SIGKILL: nothing of the host runs after this. */
    void kill() throws InterruptedException {
        process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops the host politely (SIGTERM) and waits for it. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
