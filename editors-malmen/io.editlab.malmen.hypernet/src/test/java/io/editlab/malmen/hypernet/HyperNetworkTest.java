package io.editlab.malmen.hypernet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.WeightLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The network itself: identity initialisation, statistics, checkpoints, and meta-gradients end to end. */
class HyperNetworkTest {

    /** Two modules of one shape (key 6, value 4) and one of another (key 4, value 6, stored [out, in]). */
    static final List<EditedModule> MODULES = List.of(
            new EditedModule("h.0.fc", "h.0.fc.weight", WeightLayout.IN_OUT, 6, 4, 0, 0),
            new EditedModule("h.1.fc", "h.1.fc.weight", WeightLayout.IN_OUT, 6, 4, 0, 1),
            new EditedModule("h.1.proj", "h.1.proj.weight", WeightLayout.OUT_IN, 4, 6, 1, 0));

    @TempDir
    Path dir;

    NDManager manager;

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static HypernetConfig config(Variant variant, int rank) {
        return new HypernetConfig(variant, "test", "gpt2", MODULES, rank, 2, variant.defaultTokens(), 4);
    }

    @Test
    void startsAsTheIdentityOnNormalisedInputs() {
        for (Variant variant : Variant.values()) {
            try (HyperNetwork network = HyperNetwork.create(config(variant, 5), 1e-3, 1, manager)) {
                EditedModule m = MODULES.get(1);
                NDArray u = manager.randomNormal(new Shape(9, 6));
                NDArray d = manager.randomNormal(new Shape(9, 4));
                network.observe(m, u, d);
                HyperNetwork.Transformed out = network.transform(m, u, d);
                float[] expected = normalised(u.concat(d, 1));
                float[] actual = out.keys().concat(out.gradients(), 1).toFloatArray();
                assertArrayEquals(expected, actual, 1e-5f, variant.name());
                assertEquals(1e-3, network.eta(m), 1e-9);
                assertEquals(1.0, network.lambda(m), 1e-12);
            }
        }
    }

    @Test
    void nonFiniteOutputsAreRefusedNamingTheWeight() {
        for (Variant variant : Variant.values()) {
            try (HyperNetwork network = HyperNetwork.create(config(variant, 5), 1e-3, 1, manager);
                    NDManager step = manager.newSubManager();
                    ShiftAggregator aggregator = new ShiftAggregator(network, MODULES.get(0), step)) {
                network.observe(
                        MODULES.get(0), manager.randomNormal(new Shape(9, 6)), manager.randomNormal(new Shape(9, 4)));
                NDArray u = step.randomNormal(new Shape(3, 6));
                u.set(new NDIndex("1, 2"), Float.POSITIVE_INFINITY);
                IllegalStateException e = assertThrows(
                        IllegalStateException.class, () -> aggregator.add(u, step.randomNormal(new Shape(3, 4))));
                assertTrue(
                        e.getMessage().startsWith("the hyper-network's outputs for h.0.fc.weight are not finite twice"),
                        e.getMessage());
                assertEquals(0, aggregator.rows(), "nothing was added");
            }
        }
    }

    @Test
    void statisticsMergeBatchesAsTheOfficialRunningMeanStd() {
        try (HyperNetwork network = HyperNetwork.create(config(Variant.MALMEN, 3), 1e-6, 1, manager)) {
            EditedModule m = MODULES.get(0);
            Random random = new Random(2);
            double n = 0;
            double[] mean = new double[10];
            double[] m2 = new double[10];
            for (int rows : new int[] {5, 1, 12}) {
                double[][] x = NormalEquationTest.matrix(random, rows, 10, 2);
                float[] flat = new float[rows * 10];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < 10; c++) {
                        flat[r * 10 + c] = (float) x[r][c];
                        x[r][c] = flat[r * 10 + c];
                    }
                }
                NDArray rowsArray = manager.create(flat, new Shape(rows, 10));
                network.observe(m, rowsArray.get(":, :6"), rowsArray.get(":, 6:"));
                // the spec's merge: n' = n + n_b; d = m_b - mu; mu += n_b d / n'; M2 += n_b v_b + n n_b d^2 / n'
                for (int c = 0; c < 10; c++) {
                    double bm = 0;
                    for (double[] row : x) {
                        bm += row[c];
                    }
                    bm /= rows;
                    double bv = 0;
                    for (double[] row : x) {
                        bv += (row[c] - bm) * (row[c] - bm);
                    }
                    bv = rows > 1 ? bv / (rows - 1) : 0;
                    double total = n + rows;
                    double delta = bm - mean[c];
                    mean[c] += rows * delta / total;
                    m2[c] += rows * bv + n * rows * delta * delta / total;
                }
                n += rows;
            }
            assertEquals(18, network.observed(m));
            Map<String, NDArray> tensors = network.tensors();
            assertArrayEquals(mean, tensors.get("g0.norm.mean").toDoubleArray(), 1e-9);
            assertArrayEquals(m2, tensors.get("g0.norm.m2").toDoubleArray(), 1e-8);
            assertEquals(0, network.observed(MODULES.get(2)), "the other shape's statistics are apart");
        }
    }

    @Test
    void aCheckpointRoundTripsAndReportsBrokenFiles() throws Exception {
        Path folder = dir.resolve("net");
        NDArray u = manager.randomNormal(new Shape(7, 4));
        NDArray d = manager.randomNormal(new Shape(7, 6));
        EditedModule m = MODULES.get(2);
        float[] before;
        try (HyperNetwork network = HyperNetwork.create(config(Variant.MALMEN, 5), 1e-4, 3, manager)) {
            network.observe(m, u, d);
            randomise(network, new Random(4));
            before = network.valueDifferences(m, u, network.transform(m, u, d)).toFloatArray();
            HypernetCheckpoint.save(network, folder, Map.of("best_epoch", "2"));
        }
        try (HyperNetwork loaded = HypernetCheckpoint.load(folder, manager)) {
            assertEquals(config(Variant.MALMEN, 5), loaded.config());
            assertEquals("2", loaded.training().get("best_epoch"));
            assertArrayEquals(
                    before,
                    loaded.valueDifferences(m, u, loaded.transform(m, u, d)).toFloatArray());
        }
        EditException missing =
                assertThrows(EditException.class, () -> HypernetCheckpoint.load(dir.resolve("none"), manager));
        assertTrue(missing.getMessage().contains("config.json"), missing.getMessage());
        Path config = folder.resolve(HypernetCheckpoint.CONFIG);
        Files.writeString(config, Files.readString(config).replace("\"rank\": 5", "\"rank\": 6"));
        EditException shape = assertThrows(EditException.class, () -> HypernetCheckpoint.load(folder, manager));
        assertTrue(shape.getMessage().contains("g0.b0.a"), shape.getMessage());
    }

    /**
     * {@code L(theta) = <G, S(theta)>} through the whole aggregation: the surrogates' gradients
     * against central differences, for several kinds of parameter and both variants.
     */
    @Test
    void metaGradientsOfTheWholeAggregationMatchFiniteDifferences() {
        // fixed draws: float32 central differences with h = 1e-2 miss the 3% tolerance on rare draws
        manager.getEngine().setRandomSeed(2026);
        for (Variant variant : Variant.values()) {
            try (HyperNetwork network = HyperNetwork.create(config(variant, 5), 0.05, 5, manager)) {
                EditedModule m = MODULES.get(1);
                // keys small enough that U^T U does not drown lambda, so that ell matters
                NDArray u = manager.randomNormal(0, 0.4f, new Shape(11, 6), DataType.FLOAT32);
                NDArray d = manager.randomNormal(0, 0.3f, new Shape(11, 4), DataType.FLOAT32);
                NDArray g = manager.randomNormal(new Shape(6, 4));
                network.observe(m, u, d);
                randomise(network, new Random(6));
                Map<String, NDArray> tensors = network.tensors();

                network.setTrainable(true);
                analyticGradients(network, m, u, d, g);
                Map<String, float[]> analytic = new LinkedHashMap<>();
                for (String name :
                        List.of("g0.eta", "g0.b0.a", "g0.b1.b", "g0.b0.bias", "g0.b1.scale", "g0.b0.shift", "g0.ell")) {
                    NDArray p = tensors.get(name);
                    if (p.hasGradient()) {
                        try (NDArray grad = p.getGradient()) {
                            analytic.put(name, grad.toFloatArray());
                        }
                    }
                }
                network.setTrainable(false);
                assertEquals(variant == Variant.MALMEN ? 7 : 6, analytic.size(), "ell is learned by MALMEN only");
                int checked = 0;
                for (Map.Entry<String, float[]> e : analytic.entrySet()) {
                    NDArray p = tensors.get(e.getKey());
                    float[] grad = e.getValue();
                    int flat = largest(grad);
                    long[] index = p.getShape().dimension() == 1
                            ? new long[] {flat}
                            : new long[] {
                                flat / p.getShape().get(1), flat % p.getShape().get(1)
                            };
                    float saved = p.getFloat(index);
                    double h = 1e-2 * Math.max(1, Math.abs(saved));
                    p.set(new NDIndex(index), saved + h);
                    double plus = loss(network, m, u, d, g);
                    p.set(new NDIndex(index), saved - h);
                    double minus = loss(network, m, u, d, g);
                    p.set(new NDIndex(index), saved);
                    double numeric = (plus - minus) / (2 * h);
                    assertEquals(
                            numeric,
                            grad[flat],
                            3e-2 * Math.abs(numeric) + 1e-4,
                            variant + " " + e.getKey() + Listing.of(index));
                    assertTrue(Math.abs(numeric) > 1e-3, variant + " " + e.getKey() + " should matter: " + numeric);
                    checked++;
                }
                assertEquals(analytic.size(), checked);
            }
        }
    }

    /** Back-propagates the surrogates of {@code L = <G, S>} into the network, as meta-training does. */
    private void analyticGradients(HyperNetwork network, EditedModule m, NDArray u, NDArray d, NDArray g) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = manager.getEngine().newGradientCollector()) {
            if (network.config().variant() == Variant.MALMEN) {
                NormalEquation.Solution solution;
                try (ShiftAggregator aggregator = new ShiftAggregator(network, m, step)) {
                    aggregator.add(u.get(step, new NDIndex("0:6")), d.get(step, new NDIndex("0:6")));
                    aggregator.add(u.get(step, new NDIndex("6:")), d.get(step, new NDIndex("6:")));
                    solution = aggregator.equation().solve(network.lambda(m), step);
                }
                NormalEquation.Backward backward = solution.backward(g, step);
                collector.backward(MetaGradients.malmen(
                        network, m, u.get(step, new NDIndex("0:6")), d.get(step, new NDIndex("0:6")), backward));
                collector.backward(MetaGradients.malmen(
                        network, m, u.get(step, new NDIndex("6:")), d.get(step, new NDIndex("6:")), backward));
                collector.backward(MetaGradients.ell(
                        network,
                        network.config().modulesOf(0),
                        Map.of(MODULES.get(0), 0.0, m, backward.ellGradient()),
                        step));
            } else {
                collector.backward(MetaGradients.mend(
                        network, m, u.get(step, new NDIndex("0:6")), d.get(step, new NDIndex("0:6")), g));
                collector.backward(MetaGradients.mend(
                        network, m, u.get(step, new NDIndex("6:")), d.get(step, new NDIndex("6:")), g));
            }
        }
    }

    /** {@code <G, S>} with the network as it is now, computed in one chunk. */
    private double loss(HyperNetwork network, EditedModule m, NDArray u, NDArray d, NDArray g) {
        try (NDManager step = manager.newSubManager();
                ShiftAggregator aggregator = new ShiftAggregator(network, m, step)) {
            aggregator.add(u.get(step, new NDIndex("...")), d.get(step, new NDIndex("...")));
            NDArray shift = aggregator.shift(step).toType(DataType.FLOAT64, false);
            return shift.mul(g.toType(DataType.FLOAT64, false)).sum().getDouble();
        }
    }

    /** Moves every parameter away from its initial value so that every path carries gradient. */
    static void randomise(HyperNetwork network, Random random) {
        network.tensors().forEach((name, tensor) -> {
            if (name.contains(".norm.") || name.endsWith("eta")) {
                return;
            }
            float[] values = tensor.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] += (float) (random.nextGaussian() * (name.endsWith(".a") ? 0.3 : 0.2));
            }
            tensor.set(values);
        });
    }

    private float[] normalised(NDArray x) {
        double[][] rows =
                new double[(int) x.getShape().get(0)][(int) x.getShape().get(1)];
        float[] flat = x.toFloatArray();
        int cols = rows[0].length;
        float[] out = new float[flat.length];
        for (int c = 0; c < cols; c++) {
            double mean = 0;
            for (int r = 0; r < rows.length; r++) {
                mean += flat[r * cols + c];
            }
            mean /= rows.length;
            double var = 0;
            for (int r = 0; r < rows.length; r++) {
                var += Math.pow(flat[r * cols + c] - mean, 2);
            }
            double sd = Math.sqrt(rows.length * var / (rows.length - 1) / (rows.length - 1 + 1.1920928955078125e-7));
            for (int r = 0; r < rows.length; r++) {
                out[r * cols + c] = (float) ((flat[r * cols + c] - mean) / (sd + 1.1920928955078125e-7));
            }
        }
        return out;
    }

    private static int largest(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (Math.abs(values[i]) > Math.abs(values[best])) {
                best = i;
            }
        }
        return best;
    }

    /** Formats an index for messages. */
    private static final class Listing {
        static String of(long[] index) {
            return java.util.Arrays.toString(index);
        }
    }
}
