package io.editlab.malmen.hypernet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ridge solve against a plain-Java float64 reference (Gaussian elimination), and its implicit
 * meta-gradients against central finite differences of that reference.
 */
class NormalEquationTest {

    NDManager manager;

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void solvesTheRidgeSystemLikeAFloat64ReferenceWithFewerAndMoreRowsThanKeys() {
        Random random = new Random(3);
        for (int n : new int[] {7, 60}) {
            double[][] u = matrix(random, n, 10, 3);
            double[][] d = matrix(random, n, 4, 1);
            double lambda = 0.7;
            double[][] expected = Reference.ridge(u, d, lambda);
            try (NormalEquation equation = new NormalEquation(manager, 10, 4)) {
                equation.add(array(u, DataType.FLOAT64), array(d, DataType.FLOAT64));
                try (NormalEquation.Solution solution = equation.solve(lambda, manager)) {
                    double error = maxRelativeError(expected, solution.shift());
                    assertTrue(error < 1e-9, "n = " + n + ": relative error " + error);
                }
            }
        }
    }

    @Test
    void float32InputsStillGiveTheFloat64AnswerBecauseTheSystemIsFloat64() {
        Random random = new Random(5);
        double[][] u = matrix(random, 30, 12, 1);
        double[][] d = matrix(random, 30, 3, 1);
        // round the inputs to float32 first: that is what the solver sees
        double[][] u32 = round(u);
        double[][] d32 = round(d);
        double[][] expected = Reference.ridge(u32, d32, 1.0);
        try (NormalEquation equation = new NormalEquation(manager, 12, 3)) {
            equation.add(array(u, DataType.FLOAT32), array(d, DataType.FLOAT32));
            try (NormalEquation.Solution solution = equation.solve(1.0, manager)) {
                assertTrue(maxRelativeError(expected, solution.shift()) < 1e-9);
            }
        }
    }

    @Test
    void chunksAddUpToTheWholeSystem() {
        Random random = new Random(7);
        double[][] u = matrix(random, 23, 6, 2);
        double[][] d = matrix(random, 23, 5, 1);
        double[][] expected = Reference.ridge(u, d, 0.3);
        NDArray keys = array(u, DataType.FLOAT32);
        NDArray diffs = array(d, DataType.FLOAT32);
        try (NormalEquation equation = new NormalEquation(manager, 6, 5)) {
            for (int from = 0; from < 23; from += 5) {
                int to = Math.min(23, from + 5);
                equation.add(keys.get(new NDIndex("{}:{}", from, to)), diffs.get(new NDIndex("{}:{}", from, to)));
            }
            assertEquals(23, equation.rows());
            try (NormalEquation.Solution solution = equation.solve(0.3, manager)) {
                assertTrue(maxRelativeError(round(expected), solution.shift()) < 1e-5);
                NDArray single = solution.shift(manager);
                assertEquals(DataType.FLOAT32, single.getDataType());
            }
        }
    }

    @Test
    void refusesBadShapesAndLambdas() {
        try (NormalEquation equation = new NormalEquation(manager, 4, 2)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> equation.add(manager.zeros(new Shape(3, 5)), manager.zeros(new Shape(3, 2))));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> equation.add(manager.zeros(new Shape(3, 4)), manager.zeros(new Shape(2, 2))));
            assertThrows(IllegalArgumentException.class, () -> equation.solve(0, manager));
            assertThrows(IllegalArgumentException.class, () -> equation.solve(Double.NaN, manager));
        }
    }

    /**
     * For {@code L = <G, S(D, ell)>}: {@code dL/dD = U (U^T U + lambda I)^-1 G} and {@code dL/d ell =
     * -lambda <(U^T U + lambda I)^-1 G, S>}, against central differences of the Java reference.
     */
    @Test
    void metaGradientsThroughTheSolveMatchFiniteDifferences() {
        Random random = new Random(11);
        for (int n : new int[] {5, 40}) {
            double[][] u = matrix(random, n, 8, 1.5);
            double[][] d = matrix(random, n, 3, 1);
            double[][] g = matrix(random, 8, 3, 1);
            double ell = -0.4;
            double lambda = Math.exp(ell);
            NormalEquation.Backward backward;
            NDArray keys = array(u, DataType.FLOAT64);
            try (NormalEquation equation = new NormalEquation(manager, 8, 3)) {
                equation.add(keys, array(d, DataType.FLOAT64));
                NormalEquation.Solution solution = equation.solve(lambda, manager);
                backward = solution.backward(array(g, DataType.FLOAT64), manager);
            }
            NDArray dD = backward.differenceGradient(keys).toType(DataType.FLOAT64, false);
            assertEquals(new Shape(n, 3), dD.getShape());
            double h = 1e-6;
            for (int i = 0; i < n; i += Math.max(1, n / 5)) {
                for (int j = 0; j < 3; j++) {
                    double saved = d[i][j];
                    d[i][j] = saved + h;
                    double plus = Reference.inner(g, Reference.ridge(u, d, lambda));
                    d[i][j] = saved - h;
                    double minus = Reference.inner(g, Reference.ridge(u, d, lambda));
                    d[i][j] = saved;
                    double numeric = (plus - minus) / (2 * h);
                    // differenceGradient is float32: compare to float32 precision
                    assertEquals(
                            numeric,
                            dD.getDouble(i, j),
                            1e-5 * Math.max(1, Math.abs(numeric)),
                            "dL/dD[" + i + "][" + j + "], n = " + n);
                }
            }
            double plus = Reference.inner(g, Reference.ridge(u, d, Math.exp(ell + h)));
            double minus = Reference.inner(g, Reference.ridge(u, d, Math.exp(ell - h)));
            double numeric = (plus - minus) / (2 * h);
            assertEquals(numeric, backward.ellGradient(), 1e-6 * Math.max(1, Math.abs(numeric)), "dL/d ell, n = " + n);
        }
    }

    private NDArray array(double[][] values, DataType type) {
        int rows = values.length;
        int cols = values[0].length;
        double[] flat = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(values[i], 0, flat, i * cols, cols);
        }
        NDArray wide = manager.create(flat, new Shape(rows, cols));
        return type == DataType.FLOAT64 ? wide : wide.toType(type, false);
    }

    static double[][] matrix(Random random, int rows, int cols, double scale) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian() * scale;
            }
        }
        return m;
    }

    private static double[][] round(double[][] m) {
        double[][] r = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            r[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                r[i][j] = (float) m[i][j];
            }
        }
        return r;
    }

    private static double maxRelativeError(double[][] expected, NDArray actual) {
        double[] values = actual.toType(DataType.FLOAT64, false).toDoubleArray();
        double scale = 0;
        for (double[] row : expected) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double error = 0;
        int cols = expected[0].length;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < cols; j++) {
                error = Math.max(error, Math.abs(expected[i][j] - values[i * cols + j]));
            }
        }
        return error / scale;
    }
}
