package io.editlab.runtime.impl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelInfo;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import io.editlab.api.train.PretrainingReport;
import io.editlab.api.train.PretrainingSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The one owner of the PyTorch engine and the loaded models; it also pretrains new models, since
 * that needs the engine, the architectures and the gradient gate. DJL is started under its own context
 * class loader (its engine lookup and native resources depend on it) and in offline mode.
 */
@Component(
        service = {ModelRuntime.class, Pretrainer.class},
        configurationPid = "io.editlab.runtime",
        immediate = true)
@Designate(ocd = RuntimeConfig.class)
public final class DjlRuntime implements ModelRuntime, Pretrainer {

    private static final System.Logger LOG = System.getLogger(DjlRuntime.class.getName());
    private static final String ENGINE = "PyTorch";

    private final Device device;
    /** The base weights' element type, or null to keep each checkpoint's own. */
    private final DataType weightType;

    private final NDManager root;
    private final GradientGate gate;
    private final Instant startedAt;
    private final long maxParameters;
    private final Map<String, LoadedModel> models = new LinkedHashMap<>();
    /** Ids of models being loaded: reserved, but not yet visible. */
    private final Set<String> loading = new HashSet<>();

    @Activate
    public DjlRuntime(RuntimeConfig config) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        ClassLoader djl = Engine.class.getClassLoader();
        NativeGuard.claim(djl, System.getProperties());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(djl);
        try {
            Engine engine = Engine.getEngine(ENGINE);
            this.device = chooseDevice(config.device(), engine.getGpuCount());
            this.weightType = weightType(config.dtype());
            this.root = engine.newBaseManager(device);
            this.gate = new GradientGate(engine);
        } finally {
            thread.setContextClassLoader(previous);
        }
        this.maxParameters = config.maxParameters();
        this.startedAt = Instant.now();
        LOG.log(
                System.Logger.Level.INFO,
                "EditLab runtime on {0} (weights {1}, activations float32)",
                device,
                weightType == null ? "in each checkpoint's dtype" : weightType);
    }

    /**
     * A runtime outside OSGi, for plain unit tests of editor bundles (which put this bundle on their
     * test class path): pretrain a tiny model with {@link #pretrain}, load it, edit it. Call {@link
     * #close()} when done.
     */
    public static DjlRuntime standalone(String device) {
        return standalone(device, "auto");
    }

    /** {@link #standalone(String)} keeping base weights as {@code dtype} (auto, float32, float16, bfloat16). */
    public static DjlRuntime standalone(String device, String dtype) {
        return new DjlRuntime(new RuntimeConfig() {
            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return RuntimeConfig.class;
            }

            @Override
            public String device() {
                return device;
            }

            @Override
            public String dtype() {
                return dtype;
            }

            @Override
            public long maxParameters() {
                return RuntimeConfig.MAX_PARAMETERS;
            }
        });
    }

    /** Unloads every model and frees the engine's memory (what deactivation does). */
    public void close() {
        deactivate();
    }

    static Device chooseDevice(String choice, int gpus) {
        return switch (choice) {
            case "auto" -> gpus > 0 ? Device.gpu() : Device.cpu();
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalArgumentException("device=gpu, but the PyTorch engine sees no GPU");
                }
                yield Device.gpu();
            }
            default -> throw new IllegalArgumentException("device must be auto, cpu or gpu, not '" + choice + "'");
        };
    }

    /** The configured weight type; null for auto (each checkpoint's own). */
    static DataType weightType(String name) {
        return switch (name) {
            case "auto" -> null;
            case "float32" -> DataType.FLOAT32;
            case "float16" -> DataType.FLOAT16;
            case "bfloat16" -> DataType.BFLOAT16;
            default -> throw new IllegalArgumentException(
                    "dtype must be auto, float32, float16 or bfloat16, not '" + name + "'");
        };
    }

    /**
     * Reads the folder without holding the runtime's lock (a slow or hostile folder never blocks the
     * other calls): the id is reserved first, the model becomes visible when it is complete.
     */
    @Override
    public ModelHandle load(String id, Path folder) throws ModelException {
        Objects.requireNonNull(id, "id");
        if (!id.matches(ID_PATTERN)) {
            throw new ModelException("the model id must be 1 to 64 letters, digits, '.', '_' or '-', starting with a"
                    + " letter or digit");
        }
        Path source = folder.toAbsolutePath().normalize();
        synchronized (models) {
            if (models.containsKey(id) || !loading.add(id)) {
                throw new ModelException("a model with id '" + id + "' is already loaded; unload it first");
            }
        }
        NDManager manager = root.newSubManager();
        try {
            Checkpoint checkpoint = Checkpoint.load(source, manager, weightType, maxParameters);
            Set<NDArray> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            distinct.addAll(checkpoint.parameters().values()); // a tied head counts once
            long count = distinct.stream().mapToLong(NDArray::size).sum();
            ModelInfo info = new ModelInfo(id, checkpoint.architecture().modelType(), source, device.toString(), count);
            TextTokenizer tokenizer = TextTokenizer.load(
                            source, checkpoint.architecture().vocab())
                    .orElse(null);
            LoadedModel model = new LoadedModel(info, checkpoint, tokenizer, manager, gate);
            synchronized (models) {
                models.put(id, model);
            }
            LOG.log(System.Logger.Level.INFO, "loaded {0}: {1}, {2} parameters", id, info.modelType(), count);
            return model;
        } catch (ModelException | RuntimeException e) {
            manager.close();
            throw e;
        } finally {
            synchronized (models) {
                loading.remove(id);
            }
        }
    }

    @Override
    public Optional<ModelHandle> model(String id) {
        synchronized (models) {
            return Optional.ofNullable(models.get(id));
        }
    }

    @Override
    public List<ModelHandle> models() {
        synchronized (models) {
            return List.copyOf(models.values());
        }
    }

    @Override
    public boolean unload(String id) {
        LoadedModel model;
        synchronized (models) {
            model = models.remove(id);
        }
        if (model == null) {
            return false;
        }
        model.close();
        return true;
    }

    @Override
    public String device() {
        return device.toString();
    }

    @Override
    public PretrainingReport pretrain(
            PretrainingSpec spec,
            List<Completion> facts,
            List<String> vocabulary,
            Path output,
            ProgressListener progress)
            throws ModelException {
        return new Pretraining(root, gate)
                .run(spec, facts, vocabulary, output.toAbsolutePath().normalize(), progress);
    }

    Benchmark benchmark() {
        return new Benchmark(root, gate);
    }

    /** The configured weight type: "auto" (each checkpoint's own) or a type name. */
    String weightTypeName() {
        return weightType == null ? "auto" : weightType.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A manager for a benchmark's own models, closed by the caller. */
    NDManager benchmarkManager() {
        return root.newSubManager();
    }

    /** A GPT-2 with random weights that is not registered as loaded: for measurements only. */
    LoadedModel randomModel(String id, int layers, int hidden, int heads, int vocab, int positions)
            throws ModelException {
        NDManager manager = root.newSubManager();
        Checkpoint checkpoint = Benchmark.randomGpt2(manager, layers, hidden, heads, vocab, positions);
        return new LoadedModel(Benchmark.info(id, checkpoint, device.toString()), checkpoint, null, manager, gate);
    }

    /**
     * The checkpoint in {@code folder}, loaded as {@link #load} does (configured weight type and size
     * limit) but not registered as loaded and without its tokenizer: for measurements only.
     */
    LoadedModel loadUnregistered(String id, Path folder) throws ModelException {
        NDManager manager = root.newSubManager();
        try {
            Checkpoint checkpoint =
                    Checkpoint.load(folder.toAbsolutePath().normalize(), manager, weightType, maxParameters);
            return new LoadedModel(Benchmark.info(id, checkpoint, device.toString()), checkpoint, null, manager, gate);
        } catch (ModelException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Deactivate
    void deactivate() {
        List<String> ids;
        synchronized (models) {
            ids = List.copyOf(models.keySet());
        }
        ids.forEach(this::unload);
        root.close();
    }
}
