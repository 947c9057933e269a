package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Running per-feature mean and standard deviation of the hyper-network's inputs {@code [u ; delta]}
 * (buffers, not learned), merged batch by batch as MALMEN's {@code RunningMeanStd} does (README,
 * 'What it provides'): with a batch of {@code n_b} rows, batch mean {@code m_b} and unbiased batch variance {@code
 * v_b}, {@code n' = n + n_b; d = m_b - mu; mu += n_b d / n'; M2 += n_b v_b + n n_b d^2 / n'; sd =
 * sqrt(M2 / (n' - 1 + eps))}. The official code adds {@code n_b v_b} with the unbiased {@code v_b};
 * kept for fidelity. A batch of one row adds no variance (the unbiased variance is undefined).
 * Statistics are float64; the mean and {@code sd + eps} used by the forward pass are float32 copies.
 */
final class Normalizer {

    /** float32 machine epsilon, as in the official {@code torch.finfo(torch.float32).eps}. */
    static final double EPS = 1.1920928955078125e-7;

    private final NDArray mean;
    private final NDArray m2;
    private final NDArray count;
    private NDArray forwardMean;
    private NDArray forwardScale;
    private final NDManager manager;

    Normalizer(NDManager manager, int size) {
        this.manager = manager;
        this.mean = manager.zeros(new Shape(size), DataType.FLOAT64);
        this.m2 = manager.zeros(new Shape(size), DataType.FLOAT64);
        this.count = manager.zeros(new Shape(1), DataType.FLOAT64);
        refresh();
    }

    /**
     * Adds the rows of {@code x} {@code [rows, size]} to the statistics.
     *
     * @throws IllegalArgumentException when a value is not finite: it would spoil the statistics for good
     */
    void update(NDArray x) {
        long rows = x.getShape().get(0);
        if (rows == 0) {
            return;
        }
        if (!KeyTracer.isFinite(x)) {
            throw new IllegalArgumentException("the normaliser refuses rows that are not finite");
        }
        double n = count.getDouble(0);
        double total = n + rows;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray wide = x.stopGradient().toType(DataType.FLOAT64, true);
            wide.attach(scratch);
            NDArray batchMean = wide.mean(new int[] {0});
            NDArray batchVariance = rows > 1
                    ? wide.sub(batchMean).square().sum(new int[] {0}).div(rows - 1)
                    : scratch.zeros(batchMean.getShape(), DataType.FLOAT64);
            NDArray d = batchMean.sub(mean);
            mean.addi(d.mul(rows / total));
            m2.addi(batchVariance.mul(rows).add(d.square().mul(n * rows / total)));
        }
        count.set(new NDIndex(0), total);
        refresh();
    }

    /** The rows of {@code x} normalised: {@code (x - mu) / (sd + eps)}, owned by {@code x}'s manager. */
    NDArray normalise(NDArray x) {
        return x.sub(forwardMean).div(forwardScale);
    }

    /** The statistics as named tensors (owned by the network; do not close). */
    NDArray mean() {
        return mean;
    }

    NDArray m2() {
        return m2;
    }

    NDArray count() {
        return count;
    }

    double rows() {
        return count.getDouble(0);
    }

    /** Sets the statistics from saved ones. */
    void set(NDArray savedMean, NDArray savedM2, NDArray savedCount) {
        mean.set(new NDIndex("..."), savedMean.toType(DataType.FLOAT64, false));
        m2.set(new NDIndex("..."), savedM2.toType(DataType.FLOAT64, false));
        count.set(new NDIndex("..."), savedCount.toType(DataType.FLOAT64, false));
        refresh();
    }

    /** Recomputes the forward pass's float32 mean and scale after the statistics were set in place. */
    void refresh() {
        if (forwardMean != null) {
            forwardMean.close();
            forwardScale.close();
        }
        double denominator = count.getDouble(0) - 1 + EPS;
        forwardMean = mean.toType(DataType.FLOAT32, true);
        try (NDArray variance = m2.div(denominator);
                NDArray sd = variance.sqrt();
                NDArray scale = sd.add(EPS)) {
            forwardScale = scale.toType(DataType.FLOAT32, true);
        }
        forwardMean.attach(manager);
        forwardScale.attach(manager);
    }
}
