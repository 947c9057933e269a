package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.editkit.Home;
import io.editlab.host.source.Worlds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code ./editlab serve}: the long-running evaluation host. Loads the default model (pretraining
 * the built-in one if needed), configures the HTTP host (PID {@value #SERVER_PID}) and the Jetty
 * server (PID {@value #HTTP_PID}, off in every other command), waits until the API answers, gives
 * the Web Console the API token as its password, prints where, and then serves until the process is
 * stopped.
 */
@EditlabCommand("serve")
@Component(service = Command.class)
public final class ServeCommand implements Command {

    static final String SERVER_PID = "io.editlab.server";
    static final String HTTP_PID = "org.apache.felix.http";
    static final String CONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    private static final Set<String> KEYS = Set.of("port", "bind", "model", "data-dir");
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final ModelRuntime runtime;
    private final Pretrainer pretrainer;
    private final PluginCatalog catalog;
    private final ConfigurationAdmin configurations;

    @Activate
    public ServeCommand(
            @Reference ModelRuntime runtime,
            @Reference Pretrainer pretrainer,
            @Reference PluginCatalog catalog,
            @Reference ConfigurationAdmin configurations) {
        this.runtime = runtime;
        this.pretrainer = pretrainer;
        this.catalog = catalog;
        this.configurations = configurations;
    }

    @Override
    public String usage() {
        return "[--port 8080] [--bind 127.0.0.1] [--model builtin|DIR] [--data-dir DIR (default ~/.editlab/host)]";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Args args = Args.parse(arguments, KEYS);
        int port = args.integer("port", 8080);
        if (port < 1 || port > 65_535) {
            throw new Args.UsageException("--port must be between 1 and 65535");
        }
        String bind = args.get("bind", "127.0.0.1");
        Path data = Path.of(args.get("data-dir", Home.folder().resolve("host").toString()))
                .toAbsolutePath();
        Files.createDirectories(data);
        ModelHandle model = Models.resolve(args.get("model", Worlds.BUILTIN), runtime, pretrainer, catalog, err);

        Dictionary<String, Object> server = new Hashtable<>();
        server.put("dataDir", data.toString());
        server.put("defaultModel", model.info().id());
        server.put("bind", bind);
        configurations.getConfiguration(SERVER_PID, "?").update(server);
        Dictionary<String, Object> http = new Hashtable<>();
        http.put("org.apache.felix.http.enable", true);
        http.put("org.osgi.service.http.port", port);
        http.put("org.apache.felix.http.host", bind);
        Configuration jetty = configurations.getConfiguration(HTTP_PID, "?");
        jetty.update(http);

        String local = bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
        URI base = URI.create("http://" + (local.contains(":") ? "[" + local + "]" : local) + ":" + port + "/");
        if (!awaitApi(base)) {
            err.println("editlab serve: the API did not answer on " + base + " within " + STARTUP.toSeconds()
                    + " s (is the port in use? see the log above)");
            return 1;
        }
        String token = Files.readString(data.resolve("token")).strip();
        Dictionary<String, Object> console = new Hashtable<>();
        console.put("username", "admin");
        console.put("password", token); // never the Web Console's default password
        configurations.getConfiguration(CONSOLE_PID, "?").update(console);
        out.println("EditLab host on " + base + " (model " + model.info().id() + ", data in " + data + ")");
        out.println("  dashboard:   " + base + "#token=" + token);
        out.println("  REST API:    " + base + "api/  (token for changes: " + data.resolve("token") + ")");
        out.println("  Web Console: " + base + "system/console  (user admin, password: the token)");
        out.flush();
        new CountDownLatch(1).await(); // serve until the process is stopped
        return 0;
    }

    /** Polls {@code /api/health} until it answers 200. */
    private static boolean awaitApi(URI base) throws InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = client.send(
                        HttpRequest.newBuilder(base.resolve("api/health"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }
}
