package io.editlab.ultraedit.impl;

/**
 * Running mean and standard deviation of feature vectors over every row seen so far (UltraEdit's
 * lifelong normaliser), combined batch by batch with the exact parallel formula (Chan et al.): the
 * sum of squared deviations of the union is that of each part plus {@code delta^2 n_a n_b / n}. The
 * official code adds each batch's unbiased variance times its size instead, which is undefined for a
 * batch of one row; both give the same statistics up to that correction.
 */
final class RunningStatistics {

    private final int width;
    private long count;
    private final double[] mean;
    private final double[] squares;

    RunningStatistics(int width) {
        this.width = width;
        this.mean = new double[width];
        this.squares = new double[width];
    }

    int width() {
        return width;
    }

    long count() {
        return count;
    }

    /** Adds {@code rows} feature vectors (row-major, {@link #width()} each). */
    void update(float[] rows) {
        int n = rows.length / width;
        if (n == 0) {
            return;
        }
        double[] batchMean = new double[width];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < width; j++) {
                batchMean[j] += rows[r * width + j];
            }
        }
        for (int j = 0; j < width; j++) {
            batchMean[j] /= n;
        }
        long total = count + n;
        for (int j = 0; j < width; j++) {
            double batchSquares = 0;
            for (int r = 0; r < n; r++) {
                double d = rows[r * width + j] - batchMean[j];
                batchSquares += d * d;
            }
            double delta = batchMean[j] - mean[j];
            squares[j] += batchSquares + delta * delta * count * n / total;
            mean[j] += delta * n / total;
        }
        count = total;
    }

    /** {@code (x - mean) / (std + eps)} for each row, std the sample standard deviation. */
    float[] normalise(float[] rows) {
        float[] out = new float[rows.length];
        double[] std = new double[width];
        for (int j = 0; j < width; j++) {
            std[j] = count > 1 ? Math.sqrt(squares[j] / (count - 1)) : 0;
        }
        for (int i = 0; i < rows.length; i++) {
            int j = i % width;
            out[i] = (float) ((rows[i] - mean[j]) / (std[j] + 1e-7));
        }
        return out;
    }

    /** The state: count, then means, then sums of squared deviations. */
    double[] toArray() {
        double[] state = new double[1 + 2 * width];
        state[0] = count;
        System.arraycopy(mean, 0, state, 1, width);
        System.arraycopy(squares, 0, state, 1 + width, width);
        return state;
    }

    void load(double[] state) {
        if (state.length != 1 + 2 * width || !(state[0] >= 0)) {
            throw new IllegalArgumentException("running statistics of width " + width + " need " + (1 + 2 * width)
                    + " values, not " + state.length);
        }
        count = (long) state[0];
        System.arraycopy(state, 1, mean, 0, width);
        System.arraycopy(state, 1 + width, squares, 0, width);
    }
}
