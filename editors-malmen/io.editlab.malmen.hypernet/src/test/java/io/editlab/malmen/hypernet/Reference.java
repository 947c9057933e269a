package io.editlab.malmen.hypernet;

/** Plain-Java float64 linear algebra: the reference the DJL code is tested against. */
public final class Reference {

    private Reference() {}

    /** {@code (U^T U + lambda I)^-1 U^T D} by Gaussian elimination with partial pivoting. */
    public static double[][] ridge(double[][] u, double[][] d, double lambda) {
        int n = u.length;
        int k = u[0].length;
        int v = d[0].length;
        double[][] a = new double[k][k + v];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double sum = i == j ? lambda : 0;
                for (int r = 0; r < n; r++) {
                    sum += u[r][i] * u[r][j];
                }
                a[i][j] = sum;
            }
            for (int j = 0; j < v; j++) {
                double sum = 0;
                for (int r = 0; r < n; r++) {
                    sum += u[r][i] * d[r][j];
                }
                a[i][k + j] = sum;
            }
        }
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int c = col; c < k + v; c++) {
                        a[r][c] -= f * a[col][c];
                    }
                }
            }
        }
        double[][] s = new double[k][v];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < v; j++) {
                s[i][j] = a[i][k + j] / a[i][i];
            }
        }
        return s;
    }

    /** The Frobenius inner product. */
    static double inner(double[][] a, double[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                sum += a[i][j] * b[i][j];
            }
        }
        return sum;
    }

    /** {@code a^T b}. */
    static double[][] transposeTimes(double[][] a, double[][] b) {
        double[][] c = new double[a[0].length][b[0].length];
        for (int r = 0; r < a.length; r++) {
            for (int i = 0; i < a[0].length; i++) {
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += a[r][i] * b[r][j];
                }
            }
        }
        return c;
    }
}
