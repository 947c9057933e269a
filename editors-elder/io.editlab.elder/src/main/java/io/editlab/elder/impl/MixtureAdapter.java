package io.editlab.elder.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.editlab.api.model.Adapter;
import io.editlab.api.model.ForwardContext;
import io.editlab.api.route.Router;
import io.editlab.api.route.Routing;
import java.util.function.Supplier;

/**
 * One ELDER mixture layer (README, 'What it does': mixture layers): routes the pass's query with the current router and adds
 * {@code m_b * s * sum_e g_e (x A_e) B_e} to the frozen module's output, with one gate vector per
 * sequence for all its tokens. Sequences whose code is deferred ({@code m_b = 0}) keep the base
 * output exactly; in training passes {@code m_b = 1}. Records the routing probabilities in the pass.
 */
final class MixtureAdapter implements Adapter {

    private final ElderState state;
    private final int index;
    private final Supplier<Router> router;
    private final String attribute;

    MixtureAdapter(ElderState state, int index, Supplier<Router> router, String attribute) {
        this.state = state;
        this.index = index;
        this.router = router;
        this.attribute = attribute;
    }

    @Override
    public NDArray forward(ForwardContext context, NDArray input, NDArray output) {
        ElderPass pass = context.attribute(attribute, ElderPass.class)
                .orElseThrow(() -> new IllegalStateException(
                        "ELDER's query adapter did not run before mixture layer " + index + ": was it unhooked?"));
        if (!pass.anyApplies) {
            return output;
        }
        MixtureWeights weights = state.layers().get(index);
        ElderSettings settings = state.settings();
        Routing routing = router.get().route(pass.query, weights.router, weights.bias, settings.topK());
        pass.probabilities[index] = routing.probabilities();
        NDArray gates = pass.applies == null ? routing.gates() : routing.gates().mul(pass.applies);
        long batch = gates.getShape().get(0);
        NDArray x = input.toType(DataType.FLOAT32, false).expandDims(1); // [b, 1, T, in]
        NDArray perExpert = x.matMul(weights.a).matMul(weights.b); // [b, N, T, out]
        NDArray delta = perExpert
                .mul(gates.reshape(batch, settings.experts(), 1, 1))
                .sum(new int[] {1})
                .mul(settings.scale());
        return output.add(delta.toType(output.getDataType(), false));
    }
}
