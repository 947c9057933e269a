package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelInfo;
import io.editlab.api.model.ModuleRole;
import io.editlab.editkit.ProcessMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Measurements of the runtime on this machine: the float32 matmul peak, forward and
 * forward+backward throughput of a model, and the memory that sessions add to a loaded base.
 */
final class Benchmark {

    private final NDManager root;
    private final GradientGate gate;

    Benchmark(NDManager root, GradientGate gate) {
        this.root = root;
        this.gate = gate;
    }

    /** The best of {@code repeats} timings of an n x n x n float32 matmul, in GFLOP/s. */
    double matmulPeak(int n, int repeats) {
        try (NDManager m = root.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            double best = Double.MAX_VALUE;
            for (int i = 0; i < repeats + 2; i++) {
                long t0 = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0); // wait for the result
                }
                if (i >= 2) {
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                }
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /** Throughput of one model at one batch shape. */
    record Throughput(
            String model,
            long parameters,
            int batch,
            int length,
            double forwardSeconds,
            double trainSeconds,
            double forwardFlops,
            double trainFlops) {
        double forwardTokensPerSecond() {
            return batch * length / forwardSeconds;
        }

        double trainTokensPerSecond() {
            return batch * length / trainSeconds;
        }
    }

    /**
     * Median timings over {@code repeats} of a full forward (logits at every position) and of a
     * forward+backward with every weight trainable, as pretraining does.
     */
    Throughput throughput(
            String name, Architecture architecture, Map<String, NDArray> weights, int batch, int length, int repeats) {
        Transformer transformer = architecture.transformer();
        int[][] ids = new int[batch][length];
        Random random = new Random(1);
        for (int[] row : ids) {
            Arrays.setAll(row, i -> random.nextInt(architecture.vocab()));
        }
        double[] forward = new double[repeats];
        double[] train = new double[repeats];
        for (int r = -1; r < repeats; r++) { // r = -1 warms up
            long t0 = System.nanoTime();
            try (NDManager step = root.newSubManager()) {
                fullLogits(step, transformer, weights, ids, length).sum().getFloat();
            }
            long t1 = System.nanoTime();
            try (NDManager step = root.newSubManager();
                    GradientCollector collector = gate.open()) {
                NDArray logits = fullLogits(step, transformer, weights, ids, length);
                NDArray targets = Ops.ids(step, ids, length).reshape(-1, 1);
                collector.backward(
                        logits.logSoftmax(1).gather(targets, 1).mean().neg());
            }
            long t2 = System.nanoTime();
            if (r >= 0) {
                forward[r] = (t1 - t0) / 1e9;
                train[r] = (t2 - t1) / 1e9;
            }
        }
        for (NDArray w : weights.values()) { // drop the accumulated gradients
            try (NDArray g = w.getGradient()) {
                g.set(new NDIndex("..."), 0f);
            }
        }
        double flops = forwardFlops(architecture, batch, length);
        long parameters = weights.values().stream().mapToLong(NDArray::size).sum();
        return new Throughput(name, parameters, batch, length, median(forward), median(train), flops, 3 * flops);
    }

    private NDArray fullLogits(
            NDManager step, Transformer transformer, Map<String, NDArray> weights, int[][] ids, int length) {
        return fullLogits(step, transformer, weights, Overlay.NONE, ids, length);
    }

    private NDArray fullLogits(
            NDManager step,
            Transformer transformer,
            Map<String, NDArray> weights,
            Overlay overlay,
            int[][] ids,
            int length) {
        int[] queries = new int[ids.length];
        Pass pass = new Pass(
                step, Ops.ids(step, ids, length), queries, true, weights, overlay, Set.of(), null, gate::backwards);
        NDArray hidden = transformer.hidden(pass);
        return transformer.logits(pass, hidden.reshape(-1, hidden.getShape().get(2)));
    }

    /**
     * Forward FLOPs: 2 per multiply-add of every weight matrix (blocks and head) per token, plus the
     * attention products (2 x 2 x length^2 x width per layer per sequence). Embedding lookups are free.
     */
    static double forwardFlops(Architecture architecture, int batch, int length) {
        double matrices = 0;
        for (Map.Entry<String, Shape> e : architecture.parameters().entrySet()) {
            if (e.getValue().dimension() == 2
                    && !e.getKey().contains("wte")
                    && !e.getKey().contains("wpe")
                    && !e.getKey().contains("embed_tokens")) {
                matrices += e.getValue().size();
            }
        }
        int hidden = (int) architecture.parameters().values().stream()
                .filter(s -> s.dimension() == 1)
                .mapToLong(s -> s.get(0))
                .min()
                .orElse(0); // the narrowest vector: a norm weight of width hidden
        double head = (double) architecture.vocab() * hidden;
        double attention = 4.0 * length * length * hidden * architecture.layers();
        return batch * (2.0 * (matrices + head) * length + attention);
    }

    /**
     * Resident memory with {@code count} sessions open on {@code model}, each with rank-8 LoRA
     * adapters on the first MLP linear of the last {@code loraBlocks} blocks and one training step taken
     * (a step keeps float32 copies of the blocks from the first adapted one for its backward pass, so
     * a model stored in 16 bits measures its sessions with few adapted blocks).
     */
    long memoryWithSessions(LoadedModel model, int count, int loraBlocks, List<EditSession> keep) {
        for (int i = keep.size(); i < count; i++) {
            EditSession session = model.openSession("bench-" + i);
            keep.add(session);
            List<NDArray> trainable = new ArrayList<>();
            for (int layer = Math.max(0, model.layers() - loraBlocks); layer < model.layers(); layer++) {
                String module = model.module(layer, ModuleRole.MLP_UP);
                Shape w = model.parameterInfo(module + ".weight").orElseThrow().shape();
                long in = model.parameterInfo(module + ".weight").orElseThrow().layout()
                                == io.editlab.api.model.WeightLayout.IN_OUT
                        ? w.get(0)
                        : w.get(1);
                long out = w.get(0) == in ? w.get(1) : w.get(0);
                NDArray a = session.manager().randomNormal(0, 0.01f, new Shape(in, 8), DataType.FLOAT32);
                NDArray b = session.manager().zeros(new Shape(8, out));
                a.setRequiresGradient(true);
                b.setRequiresGradient(true);
                trainable.add(a);
                trainable.add(b);
                session.addAdapter(module, (ctx, x, y) -> y.add(x.matMul(a).matMul(b)));
            }
            int[][] ids = new int[8][32];
            try (NDManager step = session.manager().newSubManager();
                    GradientCollector collector = gate.open()) {
                collector.backward(fullLogits(step, model.transformer(), model.weights(), (Session) session, ids, 32)
                        .mean());
            }
            trainable.forEach(t -> {
                try (NDArray g = t.getGradient()) {
                    g.set(new NDIndex("..."), 0f);
                }
            });
        }
        System.gc();
        return ProcessMemory.residentBytes();
    }

    /** A GPT-2 of the given shape with N(0, 0.02) weights, for throughput measurements. */
    static Checkpoint randomGpt2(NDManager manager, int layers, int hidden, int heads, int vocab, int positions)
            throws ModelException {
        JsonObject config = new JsonObject();
        config.addProperty("model_type", "gpt2");
        config.addProperty("n_layer", layers);
        config.addProperty("n_embd", hidden);
        config.addProperty("n_head", heads);
        config.addProperty("vocab_size", vocab);
        config.addProperty("n_positions", positions);
        Architecture architecture = Architecture.of(config, Path.of("(random gpt2)"));
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : architecture.parameters().entrySet()) {
            NDArray w = e.getKey().contains("ln_") && e.getKey().endsWith(".weight")
                    ? manager.ones(e.getValue())
                    : manager.randomNormal(0, 0.02f, e.getValue(), DataType.FLOAT32);
            w.setName(e.getKey());
            weights.put(e.getKey(), w);
        }
        return new Checkpoint(architecture, weights);
    }

    static ModelInfo info(String id, Checkpoint checkpoint, String device) {
        long count = checkpoint.parameters().values().stream()
                .mapToLong(NDArray::size)
                .sum();
        return new ModelInfo(id, checkpoint.architecture().modelType(), Path.of("(in memory)"), device, count);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
