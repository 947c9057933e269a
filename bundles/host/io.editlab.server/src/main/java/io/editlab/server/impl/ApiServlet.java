package io.editlab.server.impl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.ModelRuntime;
import io.editlab.editkit.ProcessMemory;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * The REST API under {@code /api/} (see the README): JSON in and out, errors as {@code {"error":
 * ...}} with a 4xx status that says what is wrong. Calls that change anything need the host's bearer
 * token; reads are open to clients on this machine only.
 */
@Component(
        service = Servlet.class,
        configurationPid = ServerConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@HttpWhiteboardServletPattern("/api/*")
public final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(ApiServlet.class.getName());
    /** POSTs that only read: scoring and generating with a session. */
    private static final Set<String> READING_POSTS = Set.of("generate", "score");

    private static final Map<String, PluginKind> PLUGIN_LISTS = Map.of(
            "editors",
            PluginKind.METHOD,
            "routers",
            PluginKind.ROUTER,
            "losses",
            PluginKind.LOSS,
            "metrics",
            PluginKind.METRIC,
            "planners",
            PluginKind.PLANNER,
            "datasets",
            PluginKind.DATASET);
    private static final long STARTED = System.nanoTime();

    private final transient ModelRuntime runtime;
    private final transient PluginCatalog catalog;
    private final transient HostModels models;
    private final transient HostSessions sessions;
    private final transient HostRuns runs;
    private final transient MetaTypeService metatype;
    private final transient BundleContext context;
    private final transient Deployer deployer;
    private final transient Token token;
    private final String defaultModel;
    private final int maxBody;
    private final int maxBundle;
    private final int maxEdits;
    private final Set<String> hostNames;

    @Activate
    public ApiServlet(
            @Reference ModelRuntime runtime,
            @Reference PluginCatalog catalog,
            @Reference HostModels models,
            @Reference HostSessions sessions,
            @Reference HostRuns runs,
            @Reference MetaTypeService metatype,
            BundleContext context,
            ServerConfig config)
            throws IOException {
        this.runtime = runtime;
        this.catalog = catalog;
        this.models = models;
        this.sessions = sessions;
        this.runs = runs;
        this.metatype = metatype;
        this.context = context;
        this.deployer = new Deployer(context);
        this.token = Token.of(Path.of(config.dataDir()));
        this.defaultModel = config.defaultModel();
        this.maxBody = config.maxBodyBytes();
        this.maxBundle = config.maxBundleBytes();
        this.maxEdits = config.maxEditsPerRequest();
        this.hostNames = hostNames(config.bind());
    }

    /** The names a token-less read may send in its Host header: this machine's loopback and the bound address. */
    static Set<String> hostNames(String bind) {
        Set<String> names = new java.util.HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            names.add(bind.contains(":") ? "[" + bind.toLowerCase(Locale.ROOT) + "]" : bind.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(names);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        List<String> path = segments(request.getPathInfo());
        try {
            authorize(request, method, path);
            route(request, response, method, path);
        } catch (ApiException e) {
            send(response, e.status, error(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, method + " " + Text.escape(request.getRequestURI()) + " failed", e);
            send(response, 500, error(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private static List<String> segments(String pathInfo) {
        return pathInfo == null
                ? List.of()
                : Arrays.stream(pathInfo.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    /** Mutations need the token; reads need it only from other machines. */
    private void authorize(HttpServletRequest request, String method, List<String> path) {
        boolean reading = method.equals("GET")
                || method.equals("HEAD")
                || (method.equals("POST") && path.size() == 3 && READING_POSTS.contains(path.get(2)));
        if (token.accepts(request.getHeader("Authorization"))) {
            return;
        }
        String host = request.getHeader("Host");
        if (host != null && !hostNames.contains(hostName(host))) {
            throw new ApiException(
                    421,
                    "this host does not answer to the name " + Text.quote(host) + " without the"
                            + " token: use localhost, 127.0.0.1 or the bound address, or send 'Authorization: Bearer TOKEN'");
        }
        if (!reading) {
            throw new ApiException(
                    401,
                    "this call changes the host: send the token of the host's data folder as "
                            + "'Authorization: Bearer TOKEN'");
        }
        if (!loopback(request.getRemoteAddr())) {
            throw new ApiException(401, "reads from other machines need the token as 'Authorization: Bearer TOKEN'");
        }
    }

    /** The name part of a Host header, lower case, without the port. */
    static String hostName(String header) {
        String host = header.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response, String method, List<String> path)
            throws IOException {
        String root = path.isEmpty() ? "" : path.get(0);
        String key =
                method + " " + root + (path.size() > 1 ? "/{id}" : "") + (path.size() > 2 ? "/" + path.get(2) : "");
        if (path.size() > 3) {
            throw ApiException.notFound("no such resource: " + Text.escape(request.getRequestURI()));
        }
        String id = path.size() > 1 ? path.get(1) : null;
        switch (key) {
            case "GET health" -> send(response, 200, health());
            case "GET bundles" -> send(response, 200, deployer.list());
            case "POST bundles" -> {
                Deployer.Deployed deployed = deployer.deploy(bundleBody(request), fileName(request));
                send(response, deployed.created() ? 201 : 200, deployed.bundle());
            }
            case "PUT bundles/{id}" -> send(
                    response, 200, deployer.update(number(id), bundleBody(request), fileName(request)));
            case "DELETE bundles/{id}" -> {
                deployer.uninstall(number(id));
                response.setStatus(204);
            }
            case "GET models" -> send(response, 200, models.list());
            case "GET models/{id}" -> send(response, 200, models.get(id));
            case "POST models" -> {
                Json body = Json.object(jsonBody(request), Set.of("id", "path"));
                send(response, 201, models.load(body.string("id"), body.string("path")));
            }
            case "DELETE models/{id}" -> {
                models.unload(id);
                response.setStatus(204);
            }
            case "GET sessions" -> send(response, 200, sessions.list());
            case "POST sessions" -> {
                Json body = Json.object(jsonBody(request), Set.of("editor", "config", "model", "name"));
                JsonObject created = new JsonObject();
                created.addProperty(
                        "id",
                        sessions.create(
                                body.string("editor"),
                                body.stringMap("config"),
                                body.string("model", null),
                                body.string("name", null)));
                send(response, 201, created);
            }
            case "GET sessions/{id}" -> send(response, 200, sessions.get(id));
            case "DELETE sessions/{id}" -> {
                sessions.close(id);
                response.setStatus(204);
            }
            case "POST sessions/{id}/edits" -> {
                Json body = Json.object(jsonBody(request), Set.of("edits"));
                if (body.array("edits").size() > maxEdits) {
                    throw new ApiException(
                            413,
                            "field 'edits' holds " + body.array("edits").size() + " edits; one"
                                    + " request takes at most " + maxEdits
                                    + " (maxEditsPerRequest): send several batches");
                }
                send(response, 200, sessions.apply(id, HostSessions.parseEdits(body.array("edits"), "api-")));
            }
            case "POST sessions/{id}/generate" -> {
                Json body = Json.object(jsonBody(request), Set.of("prompt", "tokens"));
                send(
                        response,
                        200,
                        sessions.generate(id, body.text("prompt", Json.MAX_TEXT), body.integer("tokens", 8, 1, 256)));
            }
            case "POST sessions/{id}/score" -> {
                Json body = Json.object(jsonBody(request), Set.of("prompt", "target"));
                send(
                        response,
                        200,
                        sessions.score(id, body.text("prompt", Json.MAX_TEXT), body.text("target", Json.MAX_TEXT)));
            }
            case "POST sessions/{id}/snapshots" -> {
                Json body = Json.object(orEmpty(jsonBody(request)), Set.of("label"));
                send(response, 201, sessions.snapshot(id, body.has("label") ? body.text("label", 200) : null));
            }
            case "POST sessions/{id}/restore" -> {
                Json body = Json.object(jsonBody(request), Set.of("snapshot"));
                send(response, 200, sessions.restore(id, body.integer("snapshot", 0, 1, Integer.MAX_VALUE)));
            }
            case "POST sessions/{id}/rollback" -> send(response, 200, sessions.rollback(id));
            case "GET runs" -> send(response, 200, runs.list());
            case "POST runs" -> {
                JsonObject created = new JsonObject();
                created.addProperty("id", runs.submit(Json.object(jsonBody(request), HostRuns.FIELDS)));
                send(response, 201, created);
            }
            case "GET runs/{id}" -> send(response, 200, runs.get(id));
            case "GET runs/{id}/results" -> sendText(response, 200, runs.results(id));
            case "GET runs/{id}/events" -> stream(response, id);
            case "POST runs/{id}/cancel" -> {
                runs.cancel(id);
                send(response, 202, runs.get(id));
            }
            case "POST runs/{id}/resume" -> {
                runs.resume(id);
                send(response, 202, runs.get(id));
            }
            default -> {
                PluginKind kind = PLUGIN_LISTS.get(root);
                if (kind == null || !method.equals("GET") || path.size() != 1) {
                    throw ApiException.notFound(
                            "no such resource: " + method + " " + Text.escape(request.getRequestURI()));
                }
                send(response, 200, plugins(kind));
            }
        }
    }

    // ---- bodies

    private String jsonBody(HttpServletRequest request) throws IOException {
        String type = request.getContentType();
        byte[] body = body(request, maxBody);
        if (body.length > 0 && (type == null || !type.toLowerCase(Locale.ROOT).contains("json"))) {
            throw new ApiException(415, "send the body as JSON with 'Content-Type: application/json'");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String orEmpty(String body) {
        return body.isBlank() ? "{}" : body;
    }

    private byte[] bundleBody(HttpServletRequest request) throws IOException {
        byte[] jar = body(request, maxBundle);
        if (jar.length == 0) {
            throw ApiException.badRequest("the body must be the bundle's jar file");
        }
        return jar;
    }

    private static String fileName(HttpServletRequest request) {
        String name = request.getHeader("X-File-Name");
        return name == null || name.isBlank() ? "the upload" : Text.escape(name.replaceAll("[^A-Za-z0-9._ -]", "_"));
    }

    /** The body, refused with 413 when longer than {@code limit} bytes. */
    private static byte[] body(HttpServletRequest request, int limit) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            throw new ApiException(413, "the body is " + declared + " bytes; the limit is " + limit);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) {
                throw new ApiException(413, "the body is larger than the limit of " + limit + " bytes");
            }
            return body;
        }
    }

    private static long number(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(Text.quote(id) + " is not a bundle id (a number)");
        }
    }

    // ---- resources

    private JsonObject health() {
        JsonObject json = new JsonObject();
        json.addProperty("status", "ok");
        json.addProperty("uptime_seconds", (System.nanoTime() - STARTED) / 1e9);
        Runtime jvm = Runtime.getRuntime();
        json.addProperty("heap_used_bytes", jvm.totalMemory() - jvm.freeMemory());
        json.addProperty("heap_committed_bytes", jvm.totalMemory());
        json.addProperty("resident_bytes", ProcessMemory.residentBytes());
        json.addProperty("default_model", defaultModel);
        json.addProperty("device", runtime.device());
        return json;
    }

    private JsonArray plugins(PluginKind kind) {
        JsonArray list = new JsonArray();
        for (PluginInfo info : catalog.plugins(kind)) {
            JsonObject json = new JsonObject();
            json.addProperty("name", info.name());
            json.addProperty("kind", kind.name().toLowerCase(Locale.ROOT));
            json.addProperty("bundle", info.bundle());
            json.addProperty("version", info.version());
            json.addProperty("bundle_id", info.bundleId());
            Bundle bundle = context.getBundle(info.bundleId());
            json.addProperty("state", bundle == null ? "uninstalled" : Deployer.state(bundle.getState()));
            json.add("config", bundle == null ? new JsonArray() : configuration(bundle));
            list.add(json);
        }
        return list;
    }

    /** The metatype attributes of every configuration the bundle declares. */
    private JsonArray configuration(Bundle bundle) {
        JsonArray attributes = new JsonArray();
        MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
        if (information == null) {
            return attributes;
        }
        for (String pid : information.getPids()) {
            ObjectClassDefinition definition = information.getObjectClassDefinition(pid, null);
            AttributeDefinition[] all = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
            for (AttributeDefinition attribute : all == null ? new AttributeDefinition[0] : all) {
                JsonObject json = new JsonObject();
                json.addProperty("pid", pid);
                json.addProperty("id", attribute.getID());
                json.addProperty("name", attribute.getName());
                json.addProperty("description", attribute.getDescription());
                json.addProperty("type", type(attribute.getType()));
                json.add("default", Json.GSON.toJsonTree(attribute.getDefaultValue()));
                json.add("options", Json.GSON.toJsonTree(attribute.getOptionValues()));
                attributes.add(json);
            }
        }
        return attributes;
    }

    private static String type(int type) {
        return switch (type) {
            case AttributeDefinition.BOOLEAN -> "boolean";
            case AttributeDefinition.INTEGER, AttributeDefinition.LONG, AttributeDefinition.SHORT -> "integer";
            case AttributeDefinition.DOUBLE, AttributeDefinition.FLOAT -> "double";
            default -> "string";
        };
    }

    // ---- responses

    /** Server-sent events of a run until it ends or the client goes away. */
    private void stream(HttpServletResponse response, String id) throws IOException {
        BlockingQueue<HostRuns.Event> events = runs.subscribe(id);
        try {
            response.setStatus(200);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-cache");
            OutputStream out = response.getOutputStream();
            out.flush();
            while (true) {
                HostRuns.Event event = events.poll(15, TimeUnit.SECONDS);
                String text = event == null
                        ? ": keep-alive\n\n"
                        : "event: " + event.name() + "\ndata: " + event.data() + "\n\n";
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (event != null && event.name().equals("status") && ended(event.data())) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the client went away
        } finally {
            runs.unsubscribe(id, events);
        }
    }

    private static boolean ended(JsonElement status) {
        String value = status.getAsJsonObject().get("status").getAsString();
        return !value.equals("queued") && !value.equals("running");
    }

    /** Longest error message answered: user text quoted in it is cut already, this bounds the rest. */
    static final int MAX_ERROR = 2000;

    private static JsonObject error(String message) {
        JsonObject json = new JsonObject();
        String text = String.valueOf(message);
        json.addProperty("error", text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...");
        return json;
    }

    private static void send(HttpServletResponse response, int status, JsonElement body) throws IOException {
        sendText(response, status, Json.GSON.toJson(body));
    }

    private static void sendText(HttpServletResponse response, int status, String json) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }
}
