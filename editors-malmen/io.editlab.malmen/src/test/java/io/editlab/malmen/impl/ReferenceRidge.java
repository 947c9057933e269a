package io.editlab.malmen.impl;

/** Plain-Java float64 ridge least squares, the reference the editor is tested against. */
final class ReferenceRidge {

    private ReferenceRidge() {
    }

    /** {@code (U^T U + lambda I)^-1 U^T D} by Gauss-Jordan elimination with partial pivoting. */
    static double[][] solve(double[][] u, double[][] d, double lambda) {
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
}
