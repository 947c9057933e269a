package io.editlab.elder.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.model.Adapter;
import io.editlab.api.model.ForwardContext;
import io.editlab.api.route.Router;
import io.editlab.api.route.Routing;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * ELDER's query layer (README, 'What it does': query module): leaves the module's output unchanged, reads its
 * input at each sequence's last prompt token as the detached query, and, outside training, routes
 * the query through all L routers to get each sequence's code and deferral decision. Publishes an
 * {@link ElderPass} for the mixture layers that follow.
 */
final class QueryAdapter implements Adapter {

    private final ElderState state;
    private final Supplier<Router> router;
    private final String attribute;

    QueryAdapter(ElderState state, Supplier<Router> router, String attribute) {
        this.state = state;
        this.router = router;
        this.attribute = attribute;
    }

    @Override
    public NDArray forward(ForwardContext context, NDArray input, NDArray output) {
        NDManager manager = context.manager();
        int batch = Math.toIntExact(input.getShape().get(0));
        int length = Math.toIntExact(input.getShape().get(1));
        int[] positions = context.queryPositions();
        long[] rows = new long[batch];
        for (int b = 0; b < batch; b++) {
            rows[b] = (long) b * length + positions[b];
        }
        NDArray query = input.reshape(batch * length, -1)
                .get(manager, new NDIndex("{}", manager.create(rows)))
                .stopGradient()
                .toType(DataType.FLOAT32, false);
        if (context.training()) {
            context.setAttribute(
                    attribute,
                    new ElderPass(query, null, null, true, state.layers().size()));
            return output;
        }
        BitSet[] codes = codes(query, batch);
        float[] applies = new float[batch];
        boolean any = false;
        for (int b = 0; b < batch; b++) {
            applies[b] = state.memory().applies(codes[b], state.settings().threshold()) ? 1 : 0;
            any |= applies[b] != 0;
        }
        NDArray mask = manager.create(applies, new Shape(batch, 1));
        context.setAttribute(
                attribute, new ElderPass(query, codes, mask, any, state.layers().size()));
        return output;
    }

    /** Each sequence's code: the top-k selections of every router, concatenated. */
    private BitSet[] codes(NDArray query, int batch) {
        Router current = router.get();
        int experts = state.settings().experts();
        List<float[]> selections = new ArrayList<>();
        for (MixtureWeights layer : state.layers()) {
            Routing routing = current.route(
                    query, layer.router, layer.bias, state.settings().topK());
            selections.add(routing.selected().toType(DataType.FLOAT32, false).toFloatArray());
        }
        BitSet[] codes = new BitSet[batch];
        for (int b = 0; b < batch; b++) {
            List<float[]> rows = new ArrayList<>();
            for (float[] selected : selections) {
                float[] row = new float[experts];
                System.arraycopy(selected, b * experts, row, 0, experts);
                rows.add(row);
            }
            codes[b] = CodeMemory.code(rows);
        }
        return codes;
    }
}
