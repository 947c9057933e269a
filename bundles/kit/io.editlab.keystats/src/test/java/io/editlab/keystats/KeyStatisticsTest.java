package io.editlab.keystats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ModelHandle;
import io.editlab.runtime.testing.TinyModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key statistics of a real tiny model against a float64 reference, their cache, and the spectrum. */
class KeyStatisticsTest {

    @TempDir
    static Path dir;

    static TinyModel tiny;
    static final Corpus CORPUS = new Corpus("tiny facts", TinyModel.facts());

    @BeforeAll
    static void pretrain() throws Exception {
        tiny = TinyModel.pretrain(dir.resolve("model"), 2);
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    /** Sum of k k^T over every token of every text, one text per pass, in Java doubles. */
    private static double[] reference(ModelHandle model, int layer, List<Completion> texts, long[] tokens) {
        double[] sum = null;
        int width = 0;
        try (EditSession session = model.openSession("reference")) {
            float[][] captured = new float[1][];
            long[] shape = new long[3];
            AdapterRegistration hook = session.addAdapter(KeyStatistics.module(model, layer), (context, in, out) -> {
                captured[0] = in.toFloatArray();
                System.arraycopy(in.getShape().getShape(), 0, shape, 0, 3);
                return out;
            });
            for (Completion text : texts) {
                try (NDManager scratch = session.manager().newSubManager()) {
                    session.forward(scratch, List.of(text), ForwardOptions.INFERENCE);
                }
                width = (int) shape[2];
                sum = sum == null ? new double[width * width] : sum;
                for (int p = 0; p < shape[1]; p++) {
                    for (int i = 0; i < width; i++) {
                        for (int j = 0; j < width; j++) {
                            sum[i * width + j] += (double) captured[0][p * width + i] * captured[0][p * width + j];
                        }
                    }
                    tokens[0]++;
                }
            }
            hook.close();
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= tokens[0];
        }
        return sum;
    }

    @Test
    void theSecondMomentMatchesAFloat64ReferenceOverEveryToken() {
        KeyStatistics.Stats stats = KeyStatistics.compute(tiny.model, 1, CORPUS, (s, d, t) -> {});
        long[] tokens = {0};
        double[] expected = reference(tiny.model, 1, CORPUS.texts(), tokens);
        assertEquals(tokens[0], stats.provenance().tokens(), "padding is not counted");
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], stats.secondMoment()[i], 1e-5 * scale, "entry " + i);
        }
        assertEquals(stats.at(2, 5), stats.at(5, 2), 1e-12, "symmetric");
    }

    @Test
    void aSecondRunReadsTheCacheAndAnotherLayerOrModelDoesNot() throws Exception {
        KeyCache cache = new KeyCache(dir.resolve("cache"));
        KeyCache.Lookup first = cache.get(tiny.model, 0, CORPUS, (s, d, t) -> {});
        assertFalse(first.cached());
        KeyCache.Lookup again = cache.get(tiny.model, 0, CORPUS, (s, d, t) -> {});
        assertTrue(again.cached());
        assertArrayEquals(first.stats().secondMoment(), again.stats().secondMoment(), 0.0);
        assertEquals(first.stats().provenance(), again.stats().provenance());
        assertFalse(cache.get(tiny.model, 1, CORPUS, (s, d, t) -> {}).cached(), "another layer");
        assertFalse(
                cache.get(tiny.model, 0, new Corpus("fewer", CORPUS.texts().subList(0, 4)), (s, d, t) -> {})
                        .cached(),
                "another corpus");
        try (TinyModel other = TinyModel.pretrain(dir.resolve("other"), 2)) {
            assertFalse(cache.get(other.model, 0, CORPUS, (s, d, t) -> {}).cached(), "another model");
        }
    }

    @Test
    void theSpectrumOfAKnownMatrixIsFound() {
        int n = 12;
        Random random = new Random(3);
        double[][] q = new double[n][n];
        for (int k = 0; k < n; k++) { // Gram-Schmidt on random vectors: an orthonormal basis
            for (int i = 0; i < n; i++) {
                q[k][i] = random.nextGaussian();
            }
            for (int j = 0; j < k; j++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[k][i] * q[j][i];
                }
                for (int i = 0; i < n; i++) {
                    q[k][i] -= dot * q[j][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[k][i] * q[k][i];
            }
            for (int i = 0; i < n; i++) {
                q[k][i] /= Math.sqrt(norm);
            }
        }
        double[] values = {9, 7, 5, 3, 2, 1, 0.5, 0.25, 1e-3, 1e-4, 1e-5, 0};
        double[] matrix = new double[n * n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    matrix[i * n + j] += values[k] * q[k][i] * q[k][j];
                }
            }
        }
        Spectrum spectrum = Spectrum.of(matrix, n);
        assertArrayEquals(values, spectrum.values(), 1e-10);
        double[] v = spectrum.vector(1);
        for (int i = 0; i < n; i++) {
            double av = 0;
            for (int j = 0; j < n; j++) {
                av += matrix[i * n + j] * v[j];
            }
            assertEquals(7 * v[i], av, 1e-9);
        }
        assertEquals(4, spectrum.countBelow(1e-2));
        assertEquals(1.11e-3 / 27.75111, spectrum.energyBelow(1e-2), 1e-12);
        assertEquals(3, spectrum.rankFor(0.75));
    }
}
