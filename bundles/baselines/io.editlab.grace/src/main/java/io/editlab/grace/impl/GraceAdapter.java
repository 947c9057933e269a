package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.model.Adapter;
import io.editlab.api.model.ForwardContext;
import java.util.Arrays;
import java.util.List;

/**
 * GRACE's layer: per sequence, reads the wrapped module's input at the query position (the last
 * prompt token) as the key and, when the nearest codebook entry covers it, replaces the module's
 * output at the {@link Replacement chosen positions} with that entry's value; other sequences pass
 * through unchanged. The value stays in the autograd graph, so an edit step trains it.
 */
final class GraceAdapter implements Adapter {

    private final Codebook codebook;
    private final Replacement replacement;
    private final String attribute;
    private final CoveringMemo memo = new CoveringMemo();

    GraceAdapter(Codebook codebook, Replacement replacement) {
        this.codebook = codebook;
        this.replacement = replacement;
        this.attribute = "io.editlab.grace.queries@" + Integer.toHexString(System.identityHashCode(this));
    }

    /** The {@link ForwardContext} attribute under which each pass's {@link QueryBatch} is kept. */
    String attribute() {
        return attribute;
    }

    @Override
    public NDArray forward(ForwardContext context, NDArray input, NDArray output) {
        NDManager manager = context.manager();
        Shape shape = output.getShape();
        int batch = Math.toIntExact(shape.get(0));
        int length = Math.toIntExact(shape.get(1));
        int[] queries = context.queryPositions();
        long[] rows = new long[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = (long) b * length + queries[b];
        }
        NDIndex atQueries = new NDIndex("{}", manager.create(rows));
        float[][] keys = rowsOf(input.reshape(batch * length, -1).get(manager, atQueries));
        NDArray outputs = output.reshape(batch * length, -1).get(manager, atQueries);
        context.setAttribute(attribute, new QueryBatch(keys, outputs));

        List<CodebookEntry> entries = codebook.entries();
        CodebookEntry[] chosen = new CodebookEntry[batch];
        boolean any = false;
        for (int b = 0; b < batch; b++) {
            chosen[b] = memo.covering(entries, keys[b]);
            any |= chosen[b] != null;
        }
        return any ? replace(manager, output, chosen, queries) : output;
    }

    /** {@code output} with each covered sequence's chosen positions set to its entry's value. */
    private NDArray replace(NDManager manager, NDArray output, CodebookEntry[] chosen, int[] queries) {
        Shape shape = output.getShape();
        int length = Math.toIntExact(shape.get(1));
        NDArray zero = manager.zeros(new Shape(shape.get(2)), output.getDataType());
        NDList values = new NDList(chosen.length);
        boolean[] mask = new boolean[chosen.length * length];
        for (int b = 0; b < chosen.length; b++) {
            // zero first: the sum lands in the pass's manager and keeps the value in the graph
            values.add(chosen[b] == null ? zero : zero.add(chosen[b].value()));
            for (int t = 0; t < length; t++) {
                mask[b * length + t] = chosen[b] != null && replacement.replaces(t, queries[b]);
            }
        }
        NDArray replaced = NDArrays.stack(values)
                .toType(output.getDataType(), false)
                .expandDims(1)
                .broadcast(shape);
        NDArray where = manager.create(mask).reshape(chosen.length, length, 1).broadcast(shape);
        return NDArrays.where(where, replaced, output);
    }

    /** The rows of a {@code [rows, width]} array as float arrays. */
    private static float[][] rowsOf(NDArray matrix) {
        int count = Math.toIntExact(matrix.getShape().get(0));
        int width = Math.toIntExact(matrix.getShape().get(1));
        float[] flat = matrix.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] rows = new float[count][];
        for (int r = 0; r < count; r++) {
            rows[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
        }
        return rows;
    }
}
