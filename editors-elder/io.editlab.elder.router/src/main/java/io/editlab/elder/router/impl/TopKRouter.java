package io.editlab.elder.router.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.editlab.api.route.EditlabRouter;
import io.editlab.api.route.Router;
import io.editlab.api.route.Routing;
import org.osgi.service.component.annotations.Component;

/**
 * ELDER's router (this bundle's README): scores {@code z = q R^T (+ c)}, probabilities {@code P =
 * softmax(z)}, the k largest kept as gates with their raw probabilities (not renormalised), and the
 * binary code of the selected experts. Gates stay differentiable with respect to the query, the
 * router weights and the bias through {@code P}.
 */
@EditlabRouter(TopKRouter.NAME_VALUE)
@Component(service = Router.class)
public final class TopKRouter implements Router {

    static final String NAME_VALUE = "elder-topk";

    @Override
    public Routing route(NDArray query, NDArray weights, NDArray bias, int topK) {
        long experts = weights.getShape().get(0);
        if (topK < 1 || topK > experts) {
            throw new IllegalArgumentException("topK must be between 1 and " + experts + ", not " + topK);
        }
        NDArray scores = query.getNDArrayInternal().linear(query, weights, bias).singletonOrThrow();
        NDArray probabilities = scores.softmax(-1);
        NDArray selected = selection(probabilities, topK);
        NDArray gates = probabilities.mul(selected);
        return new Routing(probabilities, gates, selected);
    }

    /** 1 at the k largest entries of each row, 0 elsewhere (float32, no gradient): one-hot rows of the top k, summed. */
    static NDArray selection(NDArray probabilities, int topK) {
        int experts =
                (int) probabilities.getShape().get(probabilities.getShape().dimension() - 1);
        NDList top = probabilities.stopGradient().topK(topK, -1);
        return top.get(1).oneHot(experts).sum(new int[] {-2}).toType(probabilities.getDataType(), false);
    }
}
