package io.editlab.malmen.hypernet.editor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.editlab.editkit.Copies;
import io.editlab.malmen.hypernet.ShiftAggregator;
import java.util.ArrayList;
import java.util.List;

/**
 * Decouples the language model's mini-batches from the hyper-network's chunks: one module's keys
 * and value gradients are collected, mini-batch after mini-batch, until a full chunk of {@code
 * chunk} rows is there; full chunks go to the aggregation at once, and the buffer never holds more
 * than {@code chunk} rows plus one mini-batch. Its arrays live in its own manager, renewed at every
 * drain, so the memory of drained rows is freed.
 */
final class RowBuffer implements AutoCloseable {

    private final NDManager parent;
    private final int chunk;
    private NDManager manager;
    private final List<NDArray> keys = new ArrayList<>();
    private final List<NDArray> gradients = new ArrayList<>();
    private long rows;
    private long drained;

    RowBuffer(NDManager parent, int chunk) {
        this.parent = parent;
        this.chunk = chunk;
        this.manager = parent.newSubManager();
    }

    /** Keeps a copy of a mini-batch's rows. */
    void add(NDArray batchKeys, NDArray batchGradients) {
        keys.add(Copies.into(manager, batchKeys));
        gradients.add(Copies.into(manager, batchGradients));
        rows += batchKeys.getShape().get(0);
    }

    /** Hands the full chunks (all rows when {@code all}) to {@code aggregator}. */
    void drain(ShiftAggregator aggregator, boolean all) {
        long full = all ? rows : rows / chunk * chunk;
        if (full == 0) {
            return;
        }
        NDManager next = parent.newSubManager();
        try (NDManager old = manager) {
            NDArray u = NDArrays.concat(new NDList(keys), 0);
            NDArray g = NDArrays.concat(new NDList(gradients), 0);
            for (long from = 0; from < full; from += chunk) {
                long to = Math.min(full, from + chunk);
                try (NDManager scratch = old.newSubManager()) {
                    aggregator.add(
                            u.get(scratch, new NDIndex("{}:{}", from, to)),
                            g.get(scratch, new NDIndex("{}:{}", from, to)));
                }
            }
            keys.clear();
            gradients.clear();
            if (full < rows) {
                keys.add(u.get(next, new NDIndex("{}:", full)));
                gradients.add(g.get(next, new NDIndex("{}:", full)));
            }
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        manager = next;
        rows -= full;
        drained += full;
    }

    /** Rows handed to the aggregation so far. */
    long drained() {
        return drained;
    }

    @Override
    public void close() {
        manager.close();
    }
}
