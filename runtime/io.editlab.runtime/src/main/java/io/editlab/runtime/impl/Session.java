package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.editlab.api.model.Adapter;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.Generation;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.SessionTransaction;
import io.editlab.api.model.TargetScore;
import io.editlab.api.model.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** Overlays of one session (deltas and adapters, all owned by the session's manager) and its view of the model. */
final class Session implements EditSession, Overlay {

    static final String DELTA = "delta/";

    /**
     * The element type of every floating-point delta, whatever the base weight's: overlays train and
     * accumulate in float32 on a float16 or bfloat16 base (README, "Precision").
     */
    static final DataType DELTA_TYPE = DataType.FLOAT32;

    static final String EXTRA = "extra/";
    static final String FORMAT_KEY = "editlab.session.format";
    private static final String FORMAT = "1";

    private final LoadedModel model;
    private final String id;
    private final String name;
    private final NDManager manager;
    private final Inference inference;
    private final Map<String, NDArray> deltas = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<Registration> adapters = new CopyOnWriteArrayList<>();
    private Transaction transaction;
    private volatile boolean closed;

    Session(LoadedModel model, String id, String name, NDManager manager) {
        this.model = model;
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.manager = manager;
        this.inference = model.inference(this, manager);
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
        model.inferenceOnThisThread(); // editors change deltas in place between training steps
        ParameterInfo info = model.requireParameter(parameter);
        return deltas.computeIfAbsent(parameter, p -> {
            NDArray zeros = manager.zeros(info.shape(), info.dataType().isFloating() ? DELTA_TYPE : info.dataType());
            zeros.setName(DELTA + p);
            return zeros;
        });
    }

    /** Installs a restored delta, owned by this session's manager. */
    void putDelta(String parameter, NDArray delta) {
        NDArray previous = deltas.put(parameter, delta);
        if (previous != null) {
            previous.close();
        }
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
            throw new IllegalArgumentException(
                    "model '" + model.info().id() + "' has no hook point '" + module + "'; see ModelHandle.modules()");
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
    public synchronized SessionTransaction begin() {
        requireOpen();
        if (transaction != null) {
            throw new IllegalStateException(this + " has a transaction open already");
        }
        transaction = new Transaction(this, manager.newSubManager());
        return transaction;
    }

    /** Called by a transaction when it commits or rolls back. */
    synchronized void ended(Transaction ended) {
        if (transaction == ended) {
            transaction = null;
        }
    }

    /** Puts the adapter list back to {@code registrations} (a transaction's rollback). */
    void resetAdapters(List<AdapterRegistration> registrations) {
        adapters.clear();
        registrations.forEach(r -> adapters.add((Registration) r));
    }

    // Overlay: what this session's passes add to the base

    @Override
    public NDArray existingDelta(String parameter) {
        return deltas.get(parameter);
    }

    @Override
    public List<Adapter> adapters(String module) {
        return adapters.stream()
                .filter(r -> r.module.equals(module))
                .map(r -> r.adapter)
                .toList();
    }

    // LanguageModel

    @Override
    public Tokenizer tokenizer() {
        return model.tokenizer();
    }

    @Override
    public List<TargetScore> score(List<Completion> items) {
        requireOpen();
        return inference.score(items);
    }

    @Override
    public List<Generation> generate(List<String> prompts, int maxNewTokens) {
        requireOpen();
        return inference.generate(prompts, maxNewTokens);
    }

    @Override
    public float[] nextTokenLogits(int[] tokenIds) {
        requireOpen();
        return inference.nextTokenLogits(tokenIds);
    }

    @Override
    public ForwardResult forward(NDManager into, List<Completion> batch, ForwardOptions options) {
        requireOpen();
        return inference.forward(into, batch, options);
    }

    @Override
    public GradientCollector newGradientCollector() {
        return model.newGradientCollector();
    }

    @Override
    public void save(Path file, Map<String, NDArray> extra, Map<String, String> metadata) throws IOException {
        requireOpen();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        deltas().forEach((parameter, delta) -> tensors.put(DELTA + parameter, delta));
        extra.forEach((key, tensor) -> tensors.put(EXTRA + key, tensor));
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(FORMAT_KEY, FORMAT);
        Safetensors.write(file, tensors, meta);
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
