package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelInfo;
import io.editlab.api.model.ParameterInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A loaded base model: frozen parameters in a capped manager, plus its open sessions. */
final class LoadedModel implements ModelHandle, AutoCloseable {

    private static final AtomicLong SESSION_IDS = new AtomicLong();

    private final ModelInfo info;
    private final Architecture architecture;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final Map<String, ParameterInfo> parameters;
    private final List<String> modules;
    private final Set<String> moduleSet;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();

    LoadedModel(ModelInfo info, Checkpoint checkpoint, NDManager manager) {
        this.info = info;
        this.architecture = checkpoint.architecture();
        this.manager = manager;
        this.weights = checkpoint.parameters();
        this.parameters = weights.entrySet().stream()
                .map(e -> new ParameterInfo(e.getKey(), e.getValue().getShape(), e.getValue().getDataType(),
                        architecture.layout(e.getKey())))
                .collect(Collectors.toMap(ParameterInfo::name, Function.identity(), (a, b) -> a,
                        java.util.LinkedHashMap::new));
        this.modules = List.copyOf(architecture.modules());
        this.moduleSet = Set.copyOf(modules);
        manager.cap(); // nothing may attach to the base: results of ops on it would leak here
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public List<ParameterInfo> parameters() {
        return List.copyOf(parameters.values());
    }

    @Override
    public Optional<ParameterInfo> parameterInfo(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    ParameterInfo requireParameter(String name) {
        ParameterInfo parameter = parameters.get(name);
        if (parameter == null) {
            throw new IllegalArgumentException("model '" + info.id() + "' has no parameter '" + name + "'");
        }
        return parameter;
    }

    @Override
    public NDArray copyParameter(String name, NDManager into) {
        ParameterInfo parameter = requireParameter(name);
        return into.zeros(parameter.shape(), parameter.dataType()).addi(weights.get(name));
    }

    @Override
    public NDArray parameter(String name) {
        requireParameter(name);
        return weights.get(name);
    }

    @Override
    public List<String> modules() {
        return modules;
    }

    boolean hasModule(String module) {
        return moduleSet.contains(module);
    }

    @Override
    public EditSession openSession(String name) {
        if (manager.isOpen()) {
            Session session = new Session(this, "s" + SESSION_IDS.incrementAndGet(), name, manager.newSubManager());
            sessions.add(session);
            return session;
        }
        throw new IllegalStateException("model '" + info.id() + "' is unloaded");
    }

    @Override
    public List<EditSession> sessions() {
        return List.copyOf(sessions);
    }

    void closed(Session session) {
        sessions.remove(session);
    }

    @Override
    public void close() {
        sessions.forEach(Session::close);
        manager.close();
    }
}
