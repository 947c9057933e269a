package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.model.Adapter;
import io.editlab.api.model.ForwardContext;
import io.editlab.api.route.Router;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * LEMoE's bypass mixture at one feed-forward sub-layer (README, 'What it does'): {@code h(x) = FFN0(x) +
 * lambda * sum_i g(i|x) f_i(x)}, the gates computed once per sequence from the instance embedding of
 * its prompt tokens ({@link AnchorRouting}) and used for all its tokens. Each expert runs only on the
 * sequences routed to it. Sequences no expert applies to keep the frozen output exactly. Training and
 * inference passes route the same way; the expert being trained simply has no threshold yet.
 */
final class MoeAdapter implements Adapter {

    private final ExpertBank bank;
    private final Supplier<NDArray> table;
    private final Supplier<Router> router;
    private final String attribute;

    /**
     * @param table the token-embedding table (the frozen base's)
     * @param router read at every pass, so that a replaced router service takes effect at once
     * @param attribute the context attribute under which each pass's {@link RoutePass} is published
     */
    MoeAdapter(ExpertBank bank, Supplier<NDArray> table, Supplier<Router> router, String attribute) {
        this.bank = bank;
        this.table = table;
        this.router = router;
        this.attribute = attribute;
    }

    @Override
    public NDArray forward(ForwardContext context, NDArray input, NDArray output) {
        ExpertBank.View view = bank.view();
        List<Expert> experts = view.experts();
        int batch = Math.toIntExact(input.getShape().get(0));
        if (experts.isEmpty()) {
            int[] none = new int[batch];
            Arrays.fill(none, -1);
            context.setAttribute(attribute, new RoutePass(none, none.clone(), 0, new int[batch][0]));
            return output;
        }
        NDManager manager = context.manager();
        LemoeSettings settings = bank.settings();
        NDArray e = AnchorRouting.embed(manager, table.get(), context.tokenIds(), context.queryPositions());
        AnchorRouting.Decision decision =
                AnchorRouting.route(manager, e, view, bank.shared(), router.get(), settings.topK(), settings.gate());
        context.setAttribute(
                attribute, new RoutePass(decision.selected(), decision.chosen(), experts.size(), decision.applied()));
        Shape shape = input.getShape();
        long length = shape.get(1);
        long width = shape.get(2);
        NDArray x = input.toType(DataType.FLOAT32, false);
        NDArray delta = null;
        for (int i = 0; i < experts.size(); i++) {
            int expert = i;
            long[] rows = java.util.stream.IntStream.range(0, batch)
                    .filter(b -> Arrays.stream(decision.applied()[b]).anyMatch(a -> a == expert))
                    .mapToLong(b -> b)
                    .toArray();
            if (rows.length == 0) {
                continue;
            }
            NDArray index = manager.create(rows);
            NDArray routed = x.get(manager, new NDIndex("{}", index)); // [n_i, T, d]
            NDArray gate = decision.gates().get(new NDIndex(":, {}", i)).get(manager, new NDIndex("{}", index));
            NDArray y = experts.get(i).apply(routed).mul(gate.reshape(rows.length, 1, 1));
            float[] placement = new float[batch * rows.length]; // [batch, n_i] one-hot
            for (int r = 0; r < rows.length; r++) {
                placement[(int) rows[r] * rows.length + r] = 1;
            }
            NDArray placed = manager.create(placement, new Shape(batch, rows.length))
                    .matMul(y.reshape(rows.length, length * width))
                    .reshape(batch, length, width);
            delta = delta == null ? placed : delta.add(placed);
        }
        if (delta == null) {
            return output;
        }
        return output.add(delta.mul(settings.lambda()).toType(output.getDataType(), false));
    }
}
