package io.editlab.keystats;

import java.util.Arrays;

/**
 * The eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (in float64, exact to
 * about 1e-12 relative), with what a key-space report needs: eigenvalues in descending order, how
 * many lie below a threshold and which share of the trace they hold. Cost grows as n^3 per sweep
 * (see the README for measured times); a 7B model's 11,008-wide keys are beyond it.
 */
public final class Spectrum {

    private static final int MAX_SWEEPS = 60;

    private final double[] values;
    private final double[][] vectors;

    private Spectrum(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** The decomposition of the symmetric {@code n x n} matrix stored row-major in {@code matrix}. */
    public static Spectrum of(double[] matrix, int n) {
        if (matrix.length != (long) n * n) {
            throw new IllegalArgumentException(
                    "a " + n + " x " + n + " matrix has " + (long) n * n + " entries, not " + matrix.length);
        }
        double[][] a = new double[n][n];
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]);
            }
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > 1e-26 * Math.max(1e-300, diagonal(a)); sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] != 0) {
                        rotate(a, v, p, q);
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = a[order[k]][order[k]];
            for (int i = 0; i < n; i++) {
                vectors[k][i] = v[i][order[k]];
            }
        }
        return new Spectrum(values, vectors);
    }

    /** Zeroes a[p][q] (and a[q][p]) by one rotation, applied to a and accumulated in v. */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    private static double offDiagonal(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                if (i != j) {
                    sum += a[i][j] * a[i][j];
                }
            }
        }
        return sum;
    }

    private static double diagonal(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i][i] * a[i][i];
        }
        return sum;
    }

    /** Eigenvalues, largest first. */
    public double[] values() {
        return values.clone();
    }

    /** The unit eigenvector of the {@code k}-th largest eigenvalue. */
    public double[] vector(int k) {
        return vectors[k].clone();
    }

    /** How many eigenvalues are below {@code threshold} (AlphaEdit's null space at that threshold). */
    public int countBelow(double threshold) {
        return (int) Arrays.stream(values).filter(x -> x < threshold).count();
    }

    /** The share of the trace held by the eigenvalues below {@code threshold}. */
    public double energyBelow(double threshold) {
        double total = Arrays.stream(values).map(x -> Math.max(0, x)).sum();
        double below = Arrays.stream(values)
                .filter(x -> x < threshold)
                .map(x -> Math.max(0, x))
                .sum();
        return total == 0 ? 0 : below / total;
    }

    /** How many of the largest eigenvalues hold {@code share} of the trace. */
    public int rankFor(double share) {
        double total = Arrays.stream(values).map(x -> Math.max(0, x)).sum();
        double running = 0;
        for (int k = 0; k < values.length; k++) {
            running += Math.max(0, values[k]);
            if (running >= share * total) {
                return k + 1;
            }
        }
        return values.length;
    }
}
