package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ParameterInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * MALMEN's (and MEND's) hyper-network (README, 'What it provides'): one network per distinct weight shape
 * {@code (key, value)}, shared by the modules of that shape, which are told apart by per-module
 * scale and shift vectors; a learned step size {@code eta} and (MALMEN) a learned {@code ell =
 * log lambda} per module. For a token's key {@code u} and value gradient {@code delta} of module
 * {@code m}:
 *
 * <pre>
 * h = ([u ; delta] - mu) / (sd + eps)              running statistics, not learned
 * MALMEN block: h = h + scale[m] * relu(h A B + bias) + shift[m]
 * MEND block:   h = h + relu((h A B + bias) * scale[m] + shift[m])
 * (u~, delta~) = split(h, [key, value])           normalised units, never de-normalised
 * </pre>
 *
 * {@code A} starts as a standard normal, {@code B}, {@code bias} and {@code shift} as zeros and
 * {@code scale} as ones, so every block starts as the identity. {@code eta} starts at the given
 * initial learning rate, {@code ell} at 0 ({@code lambda = 1}).
 *
 * <p>All tensors live in the network's own manager (a sub-manager of the one given); results of its
 * methods go to the manager of the inputs. Checkpoints are read and written by {@link
 * HypernetCheckpoint}. Not thread-safe.
 */
public final class HyperNetwork implements AutoCloseable {

    private static final NDIndex ALL = new NDIndex("...");

    private final HypernetConfig config;
    private final NDManager manager;
    private final List<Group> groups = new ArrayList<>();
    private final Map<String, String> training = new LinkedHashMap<>();

    private HyperNetwork(HypernetConfig config, NDManager parent) {
        this.config = config;
        this.manager = parent.newSubManager();
    }

    /**
     * A new network for {@code config}, initialised as the identity ({@code A} from {@code seed}).
     *
     * @param initialLr the initial {@code eta} of every module (MALMEN's {@code editor.lr}, 1e-6)
     */
    public static HyperNetwork create(HypernetConfig config, double initialLr, long seed, NDManager parent) {
        if (!(initialLr > 0) || Double.isInfinite(initialLr)) {
            throw new IllegalArgumentException("the initial learning rate must be positive, not " + initialLr);
        }
        HyperNetwork network = new HyperNetwork(config, parent);
        try {
            Random random = new Random(seed);
            for (int g = 0; g < config.groups(); g++) {
                network.groups.add(Group.create(network.manager, config, g, initialLr, random));
            }
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /**
     * A network for {@code config} from named checkpoint tensors (copied into its own manager), as
     * {@link HypernetCheckpoint#load} reads them.
     *
     * @param training what was recorded about the training
     * @param file the tensors' file, for messages
     * @throws IllegalArgumentException naming the file and a missing or misshapen tensor
     */
    static HyperNetwork of(
            HypernetConfig config,
            Map<String, NDArray> tensors,
            Map<String, String> training,
            Path file,
            NDManager parent) {
        HyperNetwork network = new HyperNetwork(config, parent);
        try {
            for (int g = 0; g < config.groups(); g++) {
                network.groups.add(Group.load(network.manager, config, g, tensors, file));
            }
            network.training.putAll(training);
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    /** The manager that owns every tensor of the network. */
    NDManager manager() {
        return manager;
    }

    /** Replaces the training record (what {@link HypernetCheckpoint#save} writes with the tensors). */
    void record(Map<String, String> record) {
        training.clear();
        training.putAll(record);
    }

    public HypernetConfig config() {
        return config;
    }

    /** What was recorded about the training when the checkpoint was saved (empty for a new network). */
    public Map<String, String> training() {
        return Map.copyOf(training);
    }

    /**
     * Checks that {@code model} has every edited weight with the size and layout the network was
     * trained for.
     *
     * @throws EditException naming the weight and {@code source} (the checkpoint, for messages)
     */
    public void requireFits(ModelHandle model, Object source) throws EditException {
        for (EditedModule m : config.modules()) {
            ParameterInfo info = model.parameterInfo(m.weight()).orElse(null);
            if (info == null) {
                throw new EditException(source + " edits " + m.weight() + ", which model '"
                        + model.info().id() + "' does not have (trained on '" + config.modelId() + "')");
            }
            Shape expected = Layouts.storedShape(m.keySize(), m.valueSize(), m.layout());
            if (info.layout() != m.layout() || !info.shape().equals(expected)) {
                throw new EditException(source + " expects " + m.weight() + " " + m.layout() + " " + expected
                        + ", model '" + model.info().id() + "' has " + info.layout() + " " + info.shape());
            }
        }
    }

    /** Every learned parameter: the blocks' weights, scales and shifts, eta, and (MALMEN) ell. */
    public List<NDArray> parameters() {
        List<NDArray> all = new ArrayList<>();
        for (Group g : groups) {
            all.addAll(g.parameters(config.variant()));
        }
        return all;
    }

    /** Marks the parameters trainable (gradients are recorded for them) or not. */
    public void setTrainable(boolean trainable) {
        parameters().forEach(p -> p.setRequiresGradient(trainable));
    }

    /** Every tensor by its checkpoint name (owned by the network; do not close). */
    public Map<String, NDArray> tensors() {
        Map<String, NDArray> all = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            groups.get(g).tensors("g" + g + ".", all);
        }
        return all;
    }

    /** A copy of every tensor, owned by {@code into}: to keep the best parameters seen. */
    public Map<String, NDArray> snapshot(NDManager into) {
        Map<String, NDArray> copy = new LinkedHashMap<>();
        tensors().forEach((name, tensor) -> {
            NDArray c = tensor.duplicate();
            c.attach(into);
            copy.put(name, c);
        });
        return copy;
    }

    /** Sets every tensor from a {@link #snapshot}, in place (trainability is kept). */
    public void restore(Map<String, NDArray> snapshot) {
        Map<String, NDArray> mine = tensors();
        if (!mine.keySet().equals(snapshot.keySet())) {
            throw new IllegalArgumentException("the snapshot has other tensors: " + snapshot.keySet());
        }
        mine.forEach((name, tensor) -> {
            boolean trainable = tensor.hasGradient();
            tensor.setRequiresGradient(false);
            tensor.set(ALL, snapshot.get(name));
            tensor.setRequiresGradient(trainable);
        });
        groups.forEach(g -> g.normalizer.refresh());
    }

    /** Adds a batch of a module's keys {@code [rows, key]} and value gradients {@code [rows, value]} to its group's statistics. */
    public void observe(EditedModule module, NDArray keys, NDArray gradients) {
        try (NDArray rows = keys.concat(gradients, 1)) {
            groups.get(module.group()).normalizer.update(rows);
        }
    }

    /** The rows seen by the statistics of a module's group. */
    public double observed(EditedModule module) {
        return groups.get(module.group()).normalizer.rows();
    }

    /**
     * The network's outputs for a module's tokens (differentiable with respect to the parameters
     * when they are trainable), owned by the keys' manager.
     */
    public Transformed transform(EditedModule module, NDArray keys, NDArray gradients) {
        requireModule(module);
        NDManager into = keys.getManager();
        Group group = groups.get(module.group());
        NDArray input = keys.concat(gradients, 1);
        NDArray h = group.normalizer.normalise(input);
        for (Block block : group.blocks) {
            NDArray scale = block.scale.get(into, new NDIndex(module.index()));
            NDArray shift = block.shift.get(into, new NDIndex(module.index()));
            NDArray pre = h.matMul(block.a).matMul(block.b).add(block.bias);
            NDArray update = config.variant() == Variant.MALMEN
                    ? relu(pre).mul(scale).add(shift)
                    : relu(pre.mul(scale).add(shift));
            h = h.add(update);
        }
        return new Transformed(
                h.get(into, new NDIndex(":, :{}", module.keySize())),
                h.get(into, new NDIndex(":, {}:", module.keySize())));
    }

    /**
     * MALMEN's value differences {@code d_j = -eta <u_j, u~_j> delta~_j} {@code [rows, value]}, with the
     * raw keys {@code u_j}; differentiable with respect to the parameters. Owned by the keys' manager.
     */
    public NDArray valueDifferences(EditedModule module, NDArray keys, Transformed out) {
        NDManager into = keys.getManager();
        NDArray coefficient = keys.mul(out.keys()).sum(new int[] {1}, true);
        NDArray eta = groups.get(module.group()).eta.get(into, new NDIndex(module.index()));
        return out.gradients().mul(coefficient).mul(eta).neg();
    }

    /**
     * MEND's shift for these rows, {@code -eta sum_j u~_j^T delta~_j} {@code [key, value]};
     * differentiable with respect to the parameters. Owned by the outputs' manager.
     */
    public NDArray summedShift(EditedModule module, Transformed out) {
        NDManager into = out.keys().getManager();
        NDArray eta = groups.get(module.group()).eta.get(into, new NDIndex(module.index()));
        return out.keys().transpose().matMul(out.gradients()).mul(eta).neg();
    }

    /** A module's current step size {@code eta}. */
    public double eta(EditedModule module) {
        return groups.get(module.group()).eta.getFloat(module.index());
    }

    /** A module's current ridge weight {@code lambda = exp(ell)}. */
    public double lambda(EditedModule module) {
        return Math.exp(groups.get(module.group()).ell.getFloat(module.index()));
    }

    /** The {@code ell} parameter of a module's group ({@code [modules]}; owned by the network). */
    public NDArray ell(EditedModule module) {
        return groups.get(module.group()).ell;
    }

    /** The number of scalar parameters (statistics excluded). */
    public long parameterCount() {
        return parameters().stream().mapToLong(NDArray::size).sum();
    }

    @Override
    public void close() {
        manager.close();
    }

    private static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }

    private void requireModule(EditedModule module) {
        if (!config.modules().contains(module)) {
            throw new IllegalArgumentException(module.module() + " is not edited by this hyper-network");
        }
    }

    /** A module's network outputs: {@code u~} {@code [rows, key]} and {@code delta~} {@code [rows, value]}. */
    public record Transformed(NDArray keys, NDArray gradients) {}

    /** The network of one shape group. */
    private static final class Group {
        private final Normalizer normalizer;
        private final List<Block> blocks;
        private final NDArray eta;
        private final NDArray ell;

        private Group(Normalizer normalizer, List<Block> blocks, NDArray eta, NDArray ell) {
            this.normalizer = normalizer;
            this.blocks = blocks;
            this.eta = eta;
            this.ell = ell;
        }

        static Group create(NDManager manager, HypernetConfig config, int g, double initialLr, Random random) {
            List<EditedModule> modules = config.modulesOf(g);
            int size = modules.get(0).keySize() + modules.get(0).valueSize();
            int rank = config.rankOf(g);
            int n = modules.size();
            List<Block> blocks = new ArrayList<>();
            for (int b = 0; b < config.blocks(); b++) {
                float[] a = new float[size * rank];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) random.nextGaussian();
                }
                blocks.add(new Block(
                        manager.create(a, new Shape(size, rank)),
                        manager.zeros(new Shape(rank, size), DataType.FLOAT32),
                        manager.zeros(new Shape(size), DataType.FLOAT32),
                        manager.ones(new Shape(n, size), DataType.FLOAT32),
                        manager.zeros(new Shape(n, size), DataType.FLOAT32)));
            }
            NDArray eta = manager.full(new Shape(n), (float) initialLr, DataType.FLOAT32);
            NDArray ell = manager.zeros(new Shape(n), DataType.FLOAT32);
            return new Group(new Normalizer(manager, size), blocks, eta, ell);
        }

        static Group load(NDManager manager, HypernetConfig config, int g, Map<String, NDArray> tensors, Path file) {
            List<EditedModule> modules = config.modulesOf(g);
            int size = modules.get(0).keySize() + modules.get(0).valueSize();
            int rank = config.rankOf(g);
            int n = modules.size();
            String prefix = "g" + g + ".";
            List<Block> blocks = new ArrayList<>();
            for (int b = 0; b < config.blocks(); b++) {
                String p = prefix + "b" + b + ".";
                blocks.add(new Block(
                        tensor(manager, tensors, p + "a", new Shape(size, rank), file),
                        tensor(manager, tensors, p + "b", new Shape(rank, size), file),
                        tensor(manager, tensors, p + "bias", new Shape(size), file),
                        tensor(manager, tensors, p + "scale", new Shape(n, size), file),
                        tensor(manager, tensors, p + "shift", new Shape(n, size), file)));
            }
            Normalizer normalizer = new Normalizer(manager, size);
            try (NDManager scratch = manager.newSubManager()) {
                normalizer.set(
                        tensor(scratch, tensors, prefix + "norm.mean", new Shape(size), file),
                        tensor(scratch, tensors, prefix + "norm.m2", new Shape(size), file),
                        tensor(scratch, tensors, prefix + "norm.count", new Shape(1), file));
            }
            return new Group(
                    normalizer,
                    blocks,
                    tensor(manager, tensors, prefix + "eta", new Shape(n), file),
                    tensor(manager, tensors, prefix + "ell", new Shape(n), file));
        }

        private static NDArray tensor(
                NDManager into, Map<String, NDArray> tensors, String name, Shape shape, Path file) {
            NDArray saved = tensors.get(name);
            if (saved == null) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' is missing");
            }
            if (!saved.getShape().equals(shape)) {
                throw new IllegalArgumentException(file + ": tensor '" + name + "' is " + saved.getShape()
                        + ", the configuration implies " + shape);
            }
            DataType type = name.contains(".norm.") ? DataType.FLOAT64 : DataType.FLOAT32;
            // A real copy: DJL's toType(sameType, copy=true) returns an alias of the same storage, and the
            // decoded tensors' storage is a Java buffer that is freed once they are closed and collected.
            NDArray copy = saved.getDataType() == type ? saved.duplicate() : saved.toType(type, true);
            copy.attach(into);
            return copy;
        }

        List<NDArray> parameters(Variant variant) {
            List<NDArray> all = new ArrayList<>();
            for (Block b : blocks) {
                all.addAll(List.of(b.a, b.b, b.bias, b.scale, b.shift));
            }
            all.add(eta);
            if (variant == Variant.MALMEN) {
                all.add(ell);
            }
            return all;
        }

        void tensors(String prefix, Map<String, NDArray> into) {
            for (int b = 0; b < blocks.size(); b++) {
                Block block = blocks.get(b);
                String p = prefix + "b" + b + ".";
                into.put(p + "a", block.a);
                into.put(p + "b", block.b);
                into.put(p + "bias", block.bias);
                into.put(p + "scale", block.scale);
                into.put(p + "shift", block.shift);
            }
            into.put(prefix + "eta", eta);
            into.put(prefix + "ell", ell);
            into.put(prefix + "norm.mean", normalizer.mean());
            into.put(prefix + "norm.m2", normalizer.m2());
            into.put(prefix + "norm.count", normalizer.count());
        }
    }

    /** One residual block's parameters. */
    private record Block(NDArray a, NDArray b, NDArray bias, NDArray scale, NDArray shift) {}
}
