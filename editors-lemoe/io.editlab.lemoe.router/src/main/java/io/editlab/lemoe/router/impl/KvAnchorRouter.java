package io.editlab.lemoe.router.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.route.EditlabRouter;
import io.editlab.api.route.Router;
import io.editlab.api.route.Routing;
import org.osgi.service.component.annotations.Component;

/**
 * LEMoE's KV-anchor router (this bundle's README): each expert's anchor key {@code k_i} is scored against
 * the input's value vector, {@code s_i = k_i . v(x)} (plus an optional bias), the scores go through
 * a softmax over the experts, and the top k are kept with their raw softmax score as gate (not
 * renormalised; LEMoE uses k = 1). The selection is a binary row per input.
 *
 * <p>The router is a pure function of its arguments: the keys and projections belong to the editor,
 * so replacing this bundle changes the routing rule while the editor keeps what it learned. LEMoE
 * passes the experts' scores {@code k_i . v_i(x)} as the query ({@code [batch, experts]}) against
 * identity keys ({@code [experts, experts]}): the linear score is then exactly each expert's score,
 * whether the experts have their own value projections or share one.
 */
@EditlabRouter(KvAnchorRouter.NAME_VALUE)
@Component(service = Router.class)
public final class KvAnchorRouter implements Router {

    static final String NAME_VALUE = "kv-anchor";

    @Override
    public Routing route(NDArray query, NDArray weights, NDArray bias, int topK) {
        Shape q = query.getShape();
        Shape w = weights.getShape();
        if (q.dimension() != 2 || w.dimension() != 2 || q.get(1) != w.get(1)) {
            throw new IllegalArgumentException("need a query [batch, d] and keys [experts, d], not " + q + " and " + w);
        }
        long experts = w.get(0);
        if (topK < 1 || topK > experts) {
            throw new IllegalArgumentException("topK must be between 1 and " + experts + ", not " + topK);
        }
        if (bias != null && !bias.getShape().equals(new Shape(experts))) {
            throw new IllegalArgumentException("the bias must be [" + experts + "], not " + bias.getShape());
        }
        NDArray scores = query.getNDArrayInternal().linear(query, weights, bias).singletonOrThrow();
        NDArray probabilities = scores.softmax(-1);
        NDArray selected = selection(probabilities, topK);
        return new Routing(probabilities, probabilities.mul(selected), selected);
    }

    /**
     * 1 at the k largest probabilities of each row, 0 elsewhere (no gradient, the probabilities'
     * type). For k = 1 the first maximum wins, so ties are broken the same way at every call.
     */
    static NDArray selection(NDArray probabilities, int topK) {
        int experts = Math.toIntExact(
                probabilities.getShape().get(probabilities.getShape().dimension() - 1));
        NDArray detached = probabilities.stopGradient();
        NDArray oneHot;
        if (topK == 1) {
            oneHot = detached.argMax(-1).oneHot(experts);
        } else {
            NDList top = detached.topK(topK, -1);
            oneHot = top.get(1).oneHot(experts).sum(new int[] {-2});
        }
        return oneHot.toType(probabilities.getDataType(), false);
    }
}
