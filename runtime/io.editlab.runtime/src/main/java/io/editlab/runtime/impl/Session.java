package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.model.Adapter;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ParameterInfo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** Overlays of one session: deltas and adapters, all owned by the session's manager. */
final class Session implements EditSession {

    private final LoadedModel model;
    private final String id;
    private final String name;
    private final NDManager manager;
    private final Map<String, NDArray> deltas = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<AdapterRegistration> adapters = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    Session(LoadedModel model, String id, String name, NDManager manager) {
        this.model = model;
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.manager = manager;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelHandle model() {
        return model;
    }

    @Override
    public NDManager manager() {
        requireOpen();
        return manager;
    }

    @Override
    public NDArray delta(String parameter) {
        requireOpen();
        ParameterInfo info = model.requireParameter(parameter);
        return deltas.computeIfAbsent(parameter, p -> {
            NDArray zeros = manager.zeros(info.shape(), info.dataType());
            zeros.setName("delta:" + p);
            return zeros;
        });
    }

    @Override
    public Map<String, NDArray> deltas() {
        requireOpen();
        synchronized (deltas) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(deltas));
        }
    }

    @Override
    public void removeDelta(String parameter) {
        requireOpen();
        NDArray removed = deltas.remove(parameter);
        if (removed != null) {
            removed.close();
        }
    }

    @Override
    public AdapterRegistration addAdapter(String module, Adapter adapter) {
        requireOpen();
        Objects.requireNonNull(adapter, "adapter");
        if (!model.hasModule(module)) {
            throw new IllegalArgumentException("model '" + model.info().id() + "' has no hook point '" + module
                    + "'; see ModelHandle.modules()");
        }
        Registration registration = new Registration(module, adapter);
        adapters.add(registration);
        return registration;
    }

    @Override
    public List<AdapterRegistration> adapters() {
        requireOpen();
        return List.copyOf(adapters);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        adapters.clear();
        deltas.clear();
        manager.close();
        model.closed(this);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("session " + id + " is closed");
        }
    }

    @Override
    public String toString() {
        return "session " + id + " (" + name + ") on " + model.info().id();
    }

    private final class Registration implements AdapterRegistration {
        private final String module;
        private final Adapter adapter;

        Registration(String module, Adapter adapter) {
            this.module = module;
            this.adapter = adapter;
        }

        @Override
        public String module() {
            return module;
        }

        @Override
        public Adapter adapter() {
            return adapter;
        }

        @Override
        public void close() {
            adapters.remove(this);
        }
    }
}
