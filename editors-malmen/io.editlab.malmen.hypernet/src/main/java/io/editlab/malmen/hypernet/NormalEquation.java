package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * MALMEN's shift aggregation for one module (README, 'What it provides'): the ridge least-squares shift {@code S
 * = argmin ||U S - D||^2 + lambda ||S||^2 = (U^T U + lambda I)^-1 U^T D} over the keys {@code U}
 * {@code [n, key]} and value differences {@code D} {@code [n, value]} of every edited token.
 *
 * <p>Only the sums {@code U^T U} ({@code [key, key]}) and {@code U^T D} ({@code [key, value]}) are
 * kept, accumulated chunk by chunk, so memory does not grow with {@code n}: the result is identical
 * to stacking all rows first. Everything is float64: DJL has no Cholesky or solve, and an inverse of
 * the {@code key x key} system in float32 keeps only 3 to 4 digits when {@code n} is not much larger
 * than the key size (djl-perf.md section 5). The sums are owned by this object's manager, a
 * sub-manager of the one given at construction; {@link #close()} frees them.
 */
public final class NormalEquation implements AutoCloseable {

    private final NDManager manager;
    private final int keySize;
    private final int valueSize;
    private final NDArray gram;
    private final NDArray rhs;
    private long rows;

    /** An empty system (no rows yet) for a module of the given sizes, allocated under {@code parent}. */
    public NormalEquation(NDManager parent, int keySize, int valueSize) {
        if (keySize < 1 || valueSize < 1) {
            throw new IllegalArgumentException("key and value sizes must be positive");
        }
        this.manager = parent.newSubManager();
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.gram = manager.zeros(new Shape(keySize, keySize), DataType.FLOAT64);
        this.rhs = manager.zeros(new Shape(keySize, valueSize), DataType.FLOAT64);
    }

    /**
     * Adds rows: {@code U^T U += keys^T keys}, {@code U^T D += keys^T differences}.
     *
     * @param keys {@code [rows, key]}
     * @param differences {@code [rows, value]}; its gradient graph, if any, is not followed
     */
    public void add(NDArray keys, NDArray differences) {
        Shape k = keys.getShape();
        Shape d = differences.getShape();
        if (k.dimension() != 2
                || d.dimension() != 2
                || k.get(1) != keySize
                || d.get(1) != valueSize
                || k.get(0) != d.get(0)) {
            throw new IllegalArgumentException(
                    "need keys [n, " + keySize + "] and differences [n, " + valueSize + "], got " + k + " and " + d);
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray u = keys.toType(DataType.FLOAT64, true);
            u.attach(scratch);
            NDArray diff = differences.stopGradient().toType(DataType.FLOAT64, true);
            diff.attach(scratch);
            NDArray ut = u.transpose();
            gram.addi(ut.matMul(u));
            rhs.addi(ut.matMul(diff));
        }
        rows += k.get(0);
    }

    /** Adds another system's sums (another call's or another worker's rows). */
    public void add(NormalEquation other) {
        if (other.keySize != keySize || other.valueSize != valueSize) {
            throw new IllegalArgumentException("systems of different sizes");
        }
        gram.addi(other.gram);
        rhs.addi(other.rhs);
        rows += other.rows;
    }

    /** The number of rows added so far. */
    public long rows() {
        return rows;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    /** {@code U^T U}, float64, owned by this system (do not close). */
    public NDArray gram() {
        return gram;
    }

    /** {@code U^T D}, float64, owned by this system (do not close). */
    public NDArray rhs() {
        return rhs;
    }

    /**
     * Replaces the sums (a saved system), copying them.
     *
     * @throws IllegalArgumentException when the shapes differ
     */
    public void set(NDArray savedGram, NDArray savedRhs, long savedRows) {
        if (!savedGram.getShape().equals(gram.getShape())
                || !savedRhs.getShape().equals(rhs.getShape())
                || savedRows < 0) {
            throw new IllegalArgumentException("a saved system of shapes " + savedGram.getShape() + ", "
                    + savedRhs.getShape() + " does not fit " + gram.getShape() + ", " + rhs.getShape());
        }
        gram.set(new NDIndex("..."), savedGram.toType(DataType.FLOAT64, false));
        rhs.set(new NDIndex("..."), savedRhs.toType(DataType.FLOAT64, false));
        rows = savedRows;
    }

    /**
     * Solves the system for {@code lambda}; the solution's arrays are owned by {@code into}.
     *
     * @throws IllegalArgumentException unless {@code lambda} is positive and finite
     */
    public Solution solve(double lambda, NDManager into) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be positive and finite, not " + lambda);
        }
        NDManager owner = into.newSubManager();
        try {
            NDArray inverse;
            try (NDManager scratch = manager.newSubManager()) {
                NDArray ridge =
                        scratch.eye(keySize).toType(DataType.FLOAT64, false).muli(lambda);
                NDArray system = ridge.addi(gram);
                inverse = system.inverse();
                inverse.attach(owner);
            }
            NDArray shift = inverse.matMul(rhs);
            return new Solution(owner, lambda, inverse, shift);
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * A solved system: the shift and what its meta-gradients need. With {@code A = U^T U + lambda I}
     * and a loss {@code L} whose gradient with respect to the shift is {@code G}: {@code dL/dD = U
     * A^-1 G} and {@code dL/d ell = -lambda <A^-1 G, S>} for {@code lambda = exp(ell)} (README,
     * 'Meta-training': the implicit gradients of the normal equation). Closing it frees its arrays.
     */
    public static final class Solution implements AutoCloseable {
        private final NDManager manager;
        private final double lambda;
        private final NDArray inverse;
        private final NDArray shift;

        private Solution(NDManager manager, double lambda, NDArray inverse, NDArray shift) {
            this.manager = manager;
            this.lambda = lambda;
            this.inverse = inverse;
            this.shift = shift;
        }

        public double lambda() {
            return lambda;
        }

        /** {@code S} {@code [key, value]}, float64, owned by this solution. */
        public NDArray shift() {
            return shift;
        }

        /** {@code S} as float32, owned by {@code into}. */
        public NDArray shift(NDManager into) {
            NDArray copy = shift.toType(DataType.FLOAT32, true);
            copy.attach(into);
            return copy;
        }

        /**
         * The meta-gradient of a loss whose gradient with respect to the shift is {@code gradient}
         * ({@code G}, {@code [key, value]}, any float type).
         */
        public Backward backward(NDArray gradient, NDManager into) {
            if (!gradient.getShape().equals(shift.getShape())) {
                throw new IllegalArgumentException(
                        "the gradient " + gradient.getShape() + " does not fit the shift " + shift.getShape());
            }
            NDArray g = gradient.toType(DataType.FLOAT64, true);
            g.attach(into);
            NDArray m = inverse.matMul(g);
            m.attach(into);
            double lambdaGradient;
            try (NDArray product = m.mul(shift);
                    NDArray sum = product.sum()) {
                lambdaGradient = -lambda * sum.getDouble();
            }
            g.close();
            return new Backward(m, lambdaGradient);
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /**
     * The meta-gradients of one solve: {@code M = A^-1 G} and {@code dL/d ell}.
     *
     * @param m {@code A^-1 G} {@code [key, value]}, float64
     * @param ellGradient {@code dL/d ell = -lambda <M, S>}
     */
    public record Backward(NDArray m, double ellGradient) {

        /**
         * {@code dL/dD} for the rows with these keys: {@code keys M}, float32 {@code [rows, value]},
         * owned by the keys' manager.
         */
        public NDArray differenceGradient(NDArray keys) {
            try (NDArray wide = keys.toType(DataType.FLOAT64, true);
                    NDArray product = wide.matMul(m)) {
                NDArray narrow = product.toType(DataType.FLOAT32, true);
                narrow.attach(keys.getManager());
                return narrow;
            }
        }
    }
}
