package io.editlab.locate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.keystats.Spectrum;

/**
 * The weight updates of the locate-then-edit family, in float64. Keys are rows {@code K [n, in]} (the
 * inputs of an MLP output projection at the edited sites), residuals are rows {@code R [n, out]}
 * (what the projection's output should gain there), and every update is {@code [out, in]}: the
 * change of a weight that maps inputs to outputs ({@code W k}). Results and intermediates belong to
 * the keys' manager, never to that of the long-lived operands (second moments, projectors, inverses):
 * a rule may keep those in a capped manager. README, "Closed forms", derives each one.
 */
public final class ClosedForms {

    private ClosedForms() {}

    /**
     * MEMIT: the update minimising {@code |(W + D) K^T - (W K^T + R^T)|^2 + weight * tr(D C D^T)} over
     * the edited keys and, through {@code C}, the preserved ones: {@code D = R^T K (weight C + K^T K)^-1}.
     *
     * @param secondMoment {@code C = E[k k^T]} over preserved text, {@code [in, in]}
     */
    public static NDArray memit(NDArray keys, NDArray residuals, NDArray secondMoment, double weight) {
        // K^T K / weight + C, then times weight: every result in the keys' manager
        NDArray gram =
                keys.transpose().matMul(keys).div(weight).addi(secondMoment).muli(weight);
        return residuals.transpose().matMul(keys).matMul(gram.inverse());
    }

    /**
     * AlphaEdit: MEMIT's update restricted to the null space of the preserved keys, {@code D = X P}
     * with the projector {@code P}, and with the keys of earlier edits ({@code previous = sum K_p^T
     * K_p}) kept: {@code D^T = (P (K^T K + previous) + l2 I)^-1 P K^T R}.
     */
    public static NDArray alphaEdit(NDArray keys, NDArray residuals, NDArray projector, NDArray previous, double l2) {
        long in = keys.getShape().get(1);
        NDArray lhs = projected(keys.transpose().matMul(keys).add(previous), projector)
                .add(keys.getManager()
                        .eye((int) in, (int) in, 0, DataType.FLOAT64)
                        .mul(l2));
        NDArray rhs = projected(keys.transpose().matMul(residuals), projector);
        return lhs.inverse().matMul(rhs).transpose();
    }

    /**
     * ROME: the rank-one update that maps one key {@code k} to its value plus {@code r} and changes the
     * output for another key {@code x} by {@code r (x^T C^-1 k) / (k^T C^-1 k)}: {@code D = r u^T /
     * (u^T k)} with {@code u = C^-1 k}.
     *
     * @param key {@code [in]}
     * @param residual {@code [out]}
     * @param inverseMoment {@code C^-1}, {@code [in, in]}
     */
    public static NDArray rome(NDArray key, NDArray residual, NDArray inverseMoment) {
        long in = key.getShape().get(0);
        NDArray u = key.reshape(1, in).matMul(inverseMoment); // (C^-1 k)^T, C^-1 being symmetric
        NDArray scale = u.matMul(key.reshape(in, 1));
        return residual.reshape(residual.getShape().get(0), 1).matMul(u).div(scale);
    }

    /**
     * {@code P X} for the symmetric {@code P}, computed as {@code (X^T P)^T} so that it lands in {@code
     * X}'s manager (DJL puts a result in its first operand's).
     */
    private static NDArray projected(NDArray x, NDArray projector) {
        return x.transpose().matMul(projector).transpose();
    }

    /**
     * AlphaEdit's projector onto the null space of the preserved keys: {@code P = U U^T} over the
     * eigenvectors {@code U} of {@code C} whose eigenvalues are below {@code threshold}.
     *
     * @param secondMoment {@code C}, row-major {@code width x width}
     */
    public static NDArray nullSpaceProjector(double[] secondMoment, int width, double threshold, NDManager into) {
        Spectrum spectrum = Spectrum.of(secondMoment, width);
        double[] values = spectrum.values();
        double[] projector = new double[width * width];
        for (int k = 0; k < values.length; k++) {
            if (values[k] < threshold) {
                double[] v = spectrum.vector(k);
                for (int i = 0; i < width; i++) {
                    for (int j = 0; j < width; j++) {
                        projector[i * width + j] += v[i] * v[j];
                    }
                }
            }
        }
        return into.create(projector, new Shape(width, width));
    }
}
