package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.Generation;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelInfo;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.RestoredSession;
import io.editlab.api.model.TargetScore;
import io.editlab.api.model.Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A loaded base model: frozen parameters in a capped manager, its tokenizer, and its open sessions. */
final class LoadedModel implements ModelHandle, AutoCloseable {

    private static final AtomicLong SESSION_IDS = new AtomicLong();

    private final ModelInfo info;
    private final Architecture architecture;
    private final Transformer transformer;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final Map<String, ParameterInfo> parameters;
    private final List<String> modules;
    private final Set<String> moduleSet;
    private final TextTokenizer tokenizer;
    private final GradientGate gate;
    private final Inference inference;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();

    LoadedModel(ModelInfo info, Checkpoint checkpoint, TextTokenizer tokenizer, NDManager manager, GradientGate gate) {
        this.info = info;
        this.architecture = checkpoint.architecture();
        this.transformer = architecture.transformer();
        this.manager = manager;
        this.weights = checkpoint.parameters();
        this.parameters = weights.entrySet().stream()
                .map(e -> new ParameterInfo(
                        e.getKey(),
                        e.getValue().getShape(),
                        e.getValue().getDataType(),
                        architecture.layout(e.getKey())))
                .collect(Collectors.toMap(ParameterInfo::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        this.modules = List.copyOf(architecture.modules());
        this.moduleSet = Set.copyOf(modules);
        this.tokenizer = tokenizer;
        this.gate = gate;
        this.inference = inference(Overlay.NONE, manager);
        manager.cap(); // nothing may attach to the base: results of ops on it would leak here
    }

    /** Puts the calling thread out of gradient mode unless it holds the gradient gate. */
    void inferenceOnThisThread() {
        gate.inferenceOnThisThread();
    }

    /** Scoring and generation over this model's weights with an overlay, scratch space under {@code parent}. */
    Inference inference(Overlay overlay, NDManager parent) {
        return new Inference(
                transformer,
                weights,
                overlay,
                this::tokenizer,
                parent::newSubManager,
                gate::backwards,
                gate::inferenceOnThisThread);
    }

    Transformer transformer() {
        return transformer;
    }

    /** The base weights, for the runtime's own measurements; never handed out through the API. */
    Map<String, NDArray> weights() {
        return weights;
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
    public int layers() {
        return architecture.layers();
    }

    @Override
    public int contextLength() {
        return transformer.maxPositions();
    }

    @Override
    public String module(int layer, ModuleRole role) {
        return architecture.module(layer, role);
    }

    @Override
    public Tokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException("model '" + info.id() + "' has no tokenizer: its folder has neither "
                    + TextTokenizer.JSON + " nor " + TextTokenizer.VOCAB + " + " + TextTokenizer.MERGES);
        }
        return tokenizer;
    }

    @Override
    public List<TargetScore> score(List<Completion> items) {
        return inference.score(items);
    }

    @Override
    public List<Generation> generate(List<String> prompts, int maxNewTokens) {
        return inference.generate(prompts, maxNewTokens);
    }

    @Override
    public float[] nextTokenLogits(int[] tokenIds) {
        return inference.nextTokenLogits(tokenIds);
    }

    @Override
    public ForwardResult forward(NDManager into, List<Completion> batch, ForwardOptions options) {
        return inference.forward(into, batch, options);
    }

    @Override
    public GradientCollector newGradientCollector() {
        return gate.open();
    }

    @Override
    public EditSession openSession(String name) {
        return open(name);
    }

    private Session open(String name) {
        if (!manager.isOpen()) {
            throw new IllegalStateException("model '" + info.id() + "' is unloaded");
        }
        Session session = new Session(this, "s" + SESSION_IDS.incrementAndGet(), name, manager.newSubManager());
        sessions.add(session);
        return session;
    }

    @Override
    public List<EditSession> sessions() {
        return List.copyOf(sessions);
    }

    @Override
    public RestoredSession restoreSession(String name, Path file) throws ModelException {
        Safetensors saved = Safetensors.open(file);
        Session session = open(name);
        try {
            Map<String, NDArray> extra = new LinkedHashMap<>();
            for (Safetensors.Entry entry : saved.entries()) {
                if (entry.name().startsWith(Session.DELTA)) {
                    String parameter = entry.name().substring(Session.DELTA.length());
                    ParameterInfo expected = parameters.get(parameter);
                    if (expected == null || !expected.shape().equals(entry.shape())) {
                        throw new ModelException(file + ": delta '" + parameter + "' " + entry.shape()
                                + " does not fit model '" + info.id() + "'"
                                + (expected == null ? " (no such parameter)" : " (shape " + expected.shape() + ")"));
                    }
                    session.putDelta(parameter, saved.load(session.manager(), entry, Session.DELTA_TYPE));
                } else if (entry.name().startsWith(Session.EXTRA)) {
                    extra.put(
                            entry.name().substring(Session.EXTRA.length()),
                            saved.load(session.manager(), entry, entry.dataType()));
                } else {
                    throw new ModelException(
                            file + ": tensor '" + entry.name() + "' is neither a delta nor extra state");
                }
            }
            Map<String, String> metadata = new LinkedHashMap<>(saved.metadata());
            metadata.remove(Session.FORMAT_KEY);
            return new RestoredSession(session, extra, metadata);
        } catch (ModelException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    void closed(Session session) {
        sessions.remove(session);
    }

    @Override
    public void close() {
        sessions.forEach(Session::close);
        if (tokenizer != null) {
            tokenizer.close();
        }
        manager.close();
    }
}
