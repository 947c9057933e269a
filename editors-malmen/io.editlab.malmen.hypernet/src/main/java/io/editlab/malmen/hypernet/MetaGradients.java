package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * Step 6 of meta-training (README, 'Meta-training'): scalar surrogates whose gradients with respect to the
 * hyper-network's parameters are the meta-gradients of a loss {@code L} that depends on the
 * parameters only through the shifts. With {@code G = dL/dS} known (from the language model's
 * backward pass), back-propagating these surrogates chunk by chunk accumulates exactly {@code
 * dL/dtheta}; nothing flows into the cached keys and value gradients.
 */
public final class MetaGradients {

    private MetaGradients() {}

    /**
     * MALMEN: {@code sum_j <dL/dd_j, d_j>} over a chunk's rows, with {@code dL/dD = U (U^T U + lambda
     * I)^-1 G} from {@code backward}; the value differences are recomputed with gradients recorded.
     * Owned by the keys' manager.
     */
    public static NDArray malmen(
            HyperNetwork network,
            EditedModule module,
            NDArray keys,
            NDArray gradients,
            NormalEquation.Backward backward) {
        NDArray differences = network.valueDifferences(module, keys, network.transform(module, keys, gradients));
        return backward.differenceGradient(keys).mul(differences).sum();
    }

    /**
     * MEND: {@code <G, S_chunk>} where {@code S_chunk = -eta sum_j u~_j^T delta~_j} over a chunk's
     * rows (the shift is a sum over chunks, so the chunks' surrogates add up). Owned by the keys'
     * manager.
     *
     * @param shiftGradient {@code G = dL/dS} {@code [key, value]}
     */
    public static NDArray mend(
            HyperNetwork network, EditedModule module, NDArray keys, NDArray gradients, NDArray shiftGradient) {
        NDArray shift = network.summedShift(module, network.transform(module, keys, gradients));
        return shift.mul(shiftGradient).sum();
    }

    /**
     * MALMEN's explicit gradient for {@code ell} (the solve's {@code lambda = exp(ell)}): {@code
     * sum_m c_m ell_m} over the modules of one group, with {@code c_m = dL/d ell_m} from each module's
     * {@link NormalEquation.Backward#ellGradient()}. Owned by {@code into}.
     *
     * @param group the modules of one shape group
     */
    public static NDArray ell(
            HyperNetwork network, List<EditedModule> group, Map<EditedModule, Double> gradients, NDManager into) {
        float[] coefficients = new float[group.size()];
        for (EditedModule member : group) {
            Double g = gradients.get(member);
            if (g == null) {
                throw new IllegalArgumentException("no ell gradient for " + member.module());
            }
            coefficients[member.index()] = g.floatValue();
        }
        return into.create(coefficients).mul(network.ell(group.get(0))).sum();
    }
}
