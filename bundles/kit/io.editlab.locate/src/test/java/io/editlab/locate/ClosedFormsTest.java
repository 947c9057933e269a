package io.editlab.locate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The closed forms against plain float64 references written out here (Gauss-Jordan inverse, loops),
 * on random matrices.
 */
class ClosedFormsTest {

    static final int IN = 12;
    static final int OUT = 5;
    static final int EDITS = 4;

    NDManager manager;
    Random random = new Random(2026);

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void memitMatchesItsDefinitionAndItsNormalEquation() {
        double[][] k = gaussian(EDITS, IN);
        double[][] r = gaussian(EDITS, OUT);
        double[][] c = secondMoment(gaussian(40, IN));
        double lambda = 3.5;
        double[][] gram = add(scale(c, lambda), multiply(transpose(k), k));
        double[][] expected = multiply(multiply(transpose(r), k), inverse(gram));

        double[][] got = matrix(ClosedForms.memit(array(k), array(r), array(c), lambda));
        assertClose(expected, got, 1e-9);
        // the update solves D (lambda C + K^T K) = R^T K: the least-squares optimum of MEMIT's objective
        assertClose(multiply(transpose(r), k), multiply(got, gram), 1e-9);
    }

    @Test
    void theNullSpaceProjectorAnnihilatesThePreservedKeys() {
        // preserved keys span only the first 7 of 12 directions: C has a 5-dimensional null space
        double[][] preserved = gaussian(60, IN);
        for (double[] key : preserved) {
            for (int j = 7; j < IN; j++) {
                key[j] = 0;
            }
        }
        double[][] c = secondMoment(preserved);
        NDArray projector = ClosedForms.nullSpaceProjector(flat(c), IN, 1e-8, manager);
        double[][] p = matrix(projector);
        for (double[] key : preserved) {
            double[] projected = multiply(p, key);
            for (double value : projected) {
                assertEquals(0, value, 1e-10, "P k_p = 0 for a preserved key");
            }
        }
        assertClose(p, multiply(p, p), 1e-10); // a projector
        double trace = 0;
        for (int i = 0; i < IN; i++) {
            trace += p[i][i];
        }
        assertEquals(5, trace, 1e-9, "its rank is the null space's dimension");
    }

    @Test
    void alphaEditMatchesItsDefinitionAndLeavesPreservedKeysAlone() {
        double[][] preserved = gaussian(60, IN);
        for (double[] key : preserved) {
            for (int j = 7; j < IN; j++) {
                key[j] = 0;
            }
        }
        double[][] c = secondMoment(preserved);
        double[][] p = matrix(ClosedForms.nullSpaceProjector(flat(c), IN, 1e-8, manager));
        double[][] k = gaussian(EDITS, IN);
        double[][] r = gaussian(EDITS, OUT);
        double[][] previous = secondMoment(gaussian(3, IN));
        double l2 = 10;
        double[][] lhs = add(multiply(p, add(multiply(transpose(k), k), previous)), scale(identity(IN), l2));
        double[][] expected = transpose(multiply(inverse(lhs), multiply(multiply(p, transpose(k)), r)));

        double[][] got = matrix(ClosedForms.alphaEdit(array(k), array(r), array(p), array(previous), l2));
        assertClose(expected, got, 1e-9);
        for (double[] key : preserved) {
            for (double value : multiply(got, key)) {
                assertEquals(0, value, 1e-9, "the update does not move the output at a preserved key");
            }
        }
    }

    @Test
    void romeMapsItsKeyToItsValueAndOthersByTheirCovariance() {
        double[][] c = secondMoment(gaussian(40, IN));
        double[][] cInverse = inverse(c);
        double[] k = gaussian(1, IN)[0];
        double[] r = gaussian(1, OUT)[0];
        double[][] got = matrix(ClosedForms.rome(manager.create(k), manager.create(r), array(cInverse)));
        assertArrayEquals(r, multiply(got, k), 1e-9, "D k = r");
        double[] x = gaussian(1, IN)[0];
        double ratio = dot(x, multiply(cInverse, k)) / dot(k, multiply(cInverse, k));
        double[] moved = multiply(got, x);
        for (int i = 0; i < OUT; i++) {
            assertEquals(r[i] * ratio, moved[i], 1e-9);
        }
    }

    @Test
    void nothingIsAllocatedInTheManagerOfTheLongLivedOperands() {
        try (NDManager memory = Engine.getEngine("PyTorch").newBaseManager()) {
            double[][] c = secondMoment(gaussian(40, IN));
            NDArray moment = memory.create(flat(c), new Shape(IN, IN));
            NDArray inverse = memory.create(flat(inverse(c)), new Shape(IN, IN));
            NDArray projector = ClosedForms.nullSpaceProjector(flat(c), IN, 0.5, memory);
            NDArray previous = memory.create(flat(secondMoment(gaussian(3, IN))), new Shape(IN, IN));
            memory.cap(); // an allocation there now throws, as in an editor's rule memory
            NDArray keys = array(gaussian(EDITS, IN));
            NDArray residuals = array(gaussian(EDITS, OUT));
            for (int call = 0; call < 3; call++) {
                ClosedForms.memit(keys, residuals, moment, 2.0);
                ClosedForms.alphaEdit(keys, residuals, projector, previous, 10);
                ClosedForms.rome(manager.create(gaussian(1, IN)[0]), manager.create(gaussian(1, OUT)[0]), inverse);
            }
            assertEquals(4, memory.getManagedArrays().size());
        }
    }

    // ---- float64 references

    double[][] gaussian(int rows, int columns) {
        double[][] m = new double[rows][columns];
        for (double[] row : m) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return m;
    }

    static double[][] secondMoment(double[][] keys) {
        return scale(multiply(transpose(keys), keys), 1.0 / keys.length);
    }

    static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] multiply(double[][] a, double[][] b) {
        double[][] m = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                double sum = 0;
                for (int k = 0; k < b.length; k++) {
                    sum += a[i][k] * b[k][j];
                }
                m[i][j] = sum;
            }
        }
        return m;
    }

    static double[] multiply(double[][] a, double[] v) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = dot(a[i], v);
        }
        return out;
    }

    static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static double[][] add(double[][] a, double[][] b) {
        double[][] m = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                m[i][j] = a[i][j] + b[i][j];
            }
        }
        return m;
    }

    static double[][] scale(double[][] a, double factor) {
        double[][] m = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                m[i][j] = a[i][j] * factor;
            }
        }
        return m;
    }

    /** Gauss-Jordan elimination with partial pivoting. */
    static double[][] inverse(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
                    pivot = row;
                }
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            double diagonal = m[col][col];
            for (int j = 0; j < 2 * n; j++) {
                m[col][j] /= diagonal;
            }
            for (int row = 0; row < n; row++) {
                if (row != col) {
                    double factor = m[row][col];
                    for (int j = 0; j < 2 * n; j++) {
                        m[row][j] -= factor * m[col][j];
                    }
                }
            }
        }
        double[][] inverse = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], n, inverse[i], 0, n);
        }
        return inverse;
    }

    NDArray array(double[][] m) {
        return manager.create(flat(m), new Shape(m.length, m[0].length));
    }

    static double[] flat(double[][] m) {
        double[] flat = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
        }
        return flat;
    }

    static double[][] matrix(NDArray array) {
        int rows = (int) array.getShape().get(0);
        int columns = (int) array.getShape().get(1);
        double[] flat = array.toDoubleArray();
        double[][] m = new double[rows][columns];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * columns, m[i], 0, columns);
        }
        return m;
    }

    static void assertClose(double[][] expected, double[][] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (double[] row : expected) {
            for (double value : row) {
                scale = Math.max(scale, Math.abs(value));
            }
        }
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[0].length; j++) {
                assertTrue(
                        Math.abs(expected[i][j] - actual[i][j]) <= tolerance * Math.max(1, scale),
                        "[" + i + "][" + j + "]: expected " + expected[i][j] + ", got " + actual[i][j]);
            }
        }
    }
}
