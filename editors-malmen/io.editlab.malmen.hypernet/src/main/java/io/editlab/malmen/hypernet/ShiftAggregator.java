package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Step 2 of MALMEN and MEND for one module, fed chunk by chunk (README, 'What it provides'): the
 * hyper-network turns each token's key and value gradient into its outputs, and the outputs are
 * aggregated into one shift {@code [key, value]}:
 *
 * <ul>
 *   <li>MALMEN: value differences {@code d_j = -eta <u_j, u~_j> delta~_j}, accumulated into a {@link
 *       NormalEquation}; the shift is its ridge solution with {@code lambda = exp(ell)};
 *   <li>MEND: the summed rank-1 shifts {@code -eta sum_j u~_j^T delta~_j}.
 * </ul>
 *
 * Memory is {@code O(key x key + key x value)} whatever the number of rows; every chunk's
 * intermediates belong to the chunk's manager (that of its keys). No gradient is recorded when the
 * network is not trainable. Closing frees the sums.
 */
public final class ShiftAggregator implements AutoCloseable {

    private final HyperNetwork network;
    private final EditedModule module;
    private final NDManager manager;
    private final NormalEquation equation;
    private final NDArray sum;
    private long rows;

    /** An empty aggregation for {@code module}, its sums allocated under {@code parent}. */
    public ShiftAggregator(HyperNetwork network, EditedModule module, NDManager parent) {
        this.network = network;
        this.module = module;
        this.manager = parent.newSubManager();
        if (network.config().variant() == Variant.MALMEN) {
            this.equation = new NormalEquation(manager, module.keySize(), module.valueSize());
            this.sum = null;
        } else {
            this.equation = null;
            this.sum = manager.zeros(new Shape(module.keySize(), module.valueSize()), DataType.FLOAT64);
        }
    }

    public EditedModule module() {
        return module;
    }

    /**
     * Adds a chunk of tokens.
     *
     * @param keys {@code [rows, key]}; the chunk's scratch goes to its manager
     * @param gradients {@code [rows, value]}
     */
    public void add(NDArray keys, NDArray gradients) {
        NDArray outputs = outputs(keys, gradients);
        if (!KeyTracer.isFinite(outputs)) {
            // PyTorch's CPU kernels very rarely yield a lone non-finite value (djl-perf.md): compute once more
            outputs = outputs(keys, gradients);
            if (!KeyTracer.isFinite(outputs)) {
                throw new IllegalStateException("the hyper-network's outputs for " + module.weight() + " are not"
                        + " finite twice in a row (" + keys.getShape().get(0) + " rows): its inputs lie far outside"
                        + " the statistics it was trained with, or the network is broken");
            }
        }
        if (equation != null) {
            equation.add(keys, outputs);
        } else {
            sum.addi(outputs.stopGradient().toType(DataType.FLOAT64, false));
        }
        rows += keys.getShape().get(0);
    }

    /** MALMEN's value differences {@code [rows, value]}, or MEND's summed shift of these rows. */
    private NDArray outputs(NDArray keys, NDArray gradients) {
        HyperNetwork.Transformed out = network.transform(module, keys, gradients);
        return equation != null ? network.valueDifferences(module, keys, out) : network.summedShift(module, out);
    }

    /** The rows added so far. */
    public long rows() {
        return rows;
    }

    /**
     * The shift for every row added so far, float32 {@code [key, value]}, owned by {@code into}; zeros
     * when nothing was added.
     */
    public NDArray shift(NDManager into) {
        if (equation == null) {
            NDArray copy = sum.toType(DataType.FLOAT32, true);
            copy.attach(into);
            return copy;
        }
        if (rows == 0) {
            return into.zeros(new Shape(module.keySize(), module.valueSize()), DataType.FLOAT32);
        }
        try (NormalEquation.Solution solution = equation.solve(network.lambda(module), into)) {
            return solution.shift(into);
        }
    }

    /** MALMEN's normal equation (its sums), or null for MEND. */
    public NormalEquation equation() {
        return equation;
    }

    /** MEND's running sum of shifts, float64 (owned by this aggregation), or null for MALMEN. */
    public NDArray sum() {
        return sum;
    }

    /** Sets MEND's sum from a saved one (copied). */
    public void setSum(NDArray saved, long savedRows) {
        if (sum == null || !saved.getShape().equals(sum.getShape())) {
            throw new IllegalArgumentException("not a MEND aggregation of shape " + saved.getShape());
        }
        sum.set(new NDIndex("..."), saved.toType(DataType.FLOAT64, false));
        rows = savedRows;
    }

    /** Sets the row count after the equation's sums were restored. */
    public void setRows(long savedRows) {
        rows = savedRows;
    }

    @Override
    public void close() {
        manager.close();
    }
}
