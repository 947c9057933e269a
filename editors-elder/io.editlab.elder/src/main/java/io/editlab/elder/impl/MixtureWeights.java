package io.editlab.elder.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The trainable parameters of one mixture layer (README, 'What it does': mixture layers), in float32: the N LoRAs stacked
 * as {@code a [N, in, r]} (uniform +-1/sqrt(r)) and {@code b [N, r, out]} (zeros), the router
 * weight {@code router [N, d_q]} (uniform +-1/sqrt(d_q)) and an optional {@code bias [N]} (same
 * range).
 */
final class MixtureWeights {

    final NDArray a;
    final NDArray b;
    final NDArray router;
    /** {@code null} without a router bias. */
    final NDArray bias;

    private MixtureWeights(NDArray a, NDArray b, NDArray router, NDArray bias) {
        this.a = a;
        this.b = b;
        this.router = router;
        this.bias = bias;
    }

    /** A freshly initialised layer in {@code manager}, drawn from {@code random}. */
    static MixtureWeights initial(NDManager manager, ElderSettings settings, Random random) {
        int n = settings.experts();
        int r = settings.rank();
        int d = settings.width();
        NDArray a = uniform(manager, random, new Shape(n, d, r), 1 / Math.sqrt(r));
        NDArray b = manager.zeros(new Shape(n, r, settings.outWidth()), DataType.FLOAT32);
        NDArray router = uniform(manager, random, new Shape(n, d), 1 / Math.sqrt(d));
        NDArray bias = settings.routerBias() ? uniform(manager, random, new Shape(n), 1 / Math.sqrt(d)) : null;
        return new MixtureWeights(a, b, router, bias);
    }

    /** Every parameter, in the order {@code a, b, router[, bias]}. */
    List<NDArray> parameters() {
        List<NDArray> parameters = new ArrayList<>(List.of(a, b, router));
        if (bias != null) {
            parameters.add(bias);
        }
        return parameters;
    }

    /** The names of {@link #parameters()} in an editor state, for mixture layer {@code index}. */
    List<String> names(int index) {
        List<String> names =
                new ArrayList<>(List.of("layer" + index + ".a", "layer" + index + ".b", "layer" + index + ".router"));
        if (bias != null) {
            names.add("layer" + index + ".bias");
        }
        return names;
    }

    private static NDArray uniform(NDManager manager, Random random, Shape shape, double bound) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return manager.create(values, shape);
    }
}
