package io.editlab.server.impl;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.host.source.Worlds;
import io.editlab.store.HostStore;
import io.editlab.store.ModelRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * The host's models: the default one (loaded by {@code ./editlab serve}) and those loaded through
 * the API, which are recorded and loaded again when the host starts, before its sessions reopen.
 */
@Component(
        service = HostModels.class,
        configurationPid = ServerConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class HostModels {

    private static final System.Logger LOG = System.getLogger(HostModels.class.getName());

    /** Longest folder name accepted (the store keeps 1,000 characters). */
    static final int MAX_PATH = 1000;

    private final ModelRuntime runtime;
    private final HostStore store;
    private final String defaultModel;

    @Activate
    public HostModels(@Reference ModelRuntime runtime, @Reference HostStore store, ServerConfig config) {
        this.runtime = runtime;
        this.store = store;
        this.defaultModel = config.defaultModel();
        for (ModelRecord model : store.models()) {
            if (!model.id().matches(ModelRuntime.ID_PATTERN)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "model record " + Text.quote(model.id()) + " has an id that is no"
                                + " longer allowed; it is forgotten");
                store.removeModel(model.id());
                continue;
            }
            if (runtime.model(model.id()).isEmpty()) {
                try {
                    runtime.load(model.id(), Path.of(model.path()));
                } catch (ModelException | RuntimeException e) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "model " + model.id() + " could not be loaded again from " + Text.quote(model.path()) + ": "
                                    + Text.escape(e.getMessage()));
                }
            }
        }
    }

    JsonArray list() {
        JsonArray models = new JsonArray();
        runtime.models().forEach(m -> models.add(describe(m)));
        return models;
    }

    JsonObject get(String id) {
        return describe(model(id));
    }

    /**
     * Loads a model folder ({@code builtin}, {@code builtin:N}: the cached model of the built-in world
     * of N subjects, pretrained by {@code ./editlab pretrain} or a bench run) under {@code id}.
     */
    JsonObject load(String id, String path) {
        if (!id.matches(ModelRuntime.ID_PATTERN)) {
            throw ApiException.badRequest("field 'id': " + Text.quote(id) + " is not a model id: 1 to 64 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (path.length() > MAX_PATH || path.indexOf('\0') >= 0) {
            throw ApiException.badRequest("field 'path': " + Text.quote(path) + " is not a folder name (at most "
                    + MAX_PATH + " characters, no NUL)");
        }
        Path folder;
        try {
            folder = Worlds.names(path) ? Worlds.modelFolder(path) : Path.of(path);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("field 'path': " + e.getMessage());
        }
        if (!Files.isDirectory(folder)) {
            throw ApiException.badRequest("field 'path': no model folder "
                    + Text.quote(folder.toAbsolutePath().toString()) + " on the host");
        }
        if (runtime.model(id).isPresent()) {
            throw ApiException.conflict("a model '" + id + "' is loaded already");
        }
        ModelHandle model;
        try {
            model = runtime.load(id, folder);
        } catch (ModelException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        try {
            model.tokenizer();
        } catch (IllegalStateException e) {
            runtime.unload(id);
            throw ApiException.badRequest(
                    "field 'path': " + e.getMessage() + "; the host answers in text, so a model" + " needs one");
        }
        store.addModel(new ModelRecord(id, folder.toAbsolutePath().toString(), Instant.now()));
        return describe(model);
    }

    /** Unloads a model no session uses; the default model stays. */
    void unload(String id) {
        ModelHandle model = model(id);
        if (id.equals(defaultModel)) {
            throw ApiException.conflict("'" + id + "' is the host's default model");
        }
        if (!model.sessions().isEmpty()) {
            throw ApiException.conflict(
                    "model '" + id + "' has " + model.sessions().size() + " open sessions; close " + "them first");
        }
        runtime.unload(id);
        store.removeModel(id);
    }

    private ModelHandle model(String id) {
        return runtime.model(id).orElseThrow(() -> ApiException.notFound("no model " + Text.quote(id) + " is loaded"));
    }

    private JsonObject describe(ModelHandle model) {
        JsonObject json = new JsonObject();
        json.addProperty("id", model.info().id());
        json.addProperty("type", model.info().modelType());
        json.addProperty("source", model.info().source().toString());
        json.addProperty("device", model.info().device());
        json.addProperty("parameters", model.info().parameterCount());
        json.addProperty("layers", model.layers());
        json.addProperty("sessions", model.sessions().size());
        json.addProperty("default", model.info().id().equals(defaultModel));
        return json;
    }
}
