package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import java.util.ArrayList;
import java.util.List;

/** Reads a module's input at the last prompt token, as GRACE's keys, through a plain recording adapter. */
final class KeyProbe {

    private KeyProbe() {}

    /** The key of each completion's prompt at {@code module}, one pass per completion. */
    static List<float[]> keys(ModelHandle model, String module, List<Completion> completions) {
        List<float[]> keys = new ArrayList<>();
        try (EditSession session = model.openSession("key probe")) {
            AdapterRegistration registration = session.addAdapter(module, (context, input, output) -> {
                NDArray key = input.get(context.manager(), new NDIndex("0, {}", context.queryPositions()[0]));
                keys.add(key.toFloatArray());
                return output;
            });
            completions.forEach(c -> session.score(List.of(c)));
            registration.close();
        }
        return keys;
    }

    /** The smallest Euclidean distance between two of {@code keys}. */
    static float minimumDistance(List<float[]> keys) {
        float minimum = Float.POSITIVE_INFINITY;
        for (int i = 0; i < keys.size(); i++) {
            for (int j = i + 1; j < keys.size(); j++) {
                minimum = Math.min(minimum, distance(keys.get(i), keys.get(j)));
            }
        }
        return minimum;
    }

    static float distance(float[] a, float[] b) {
        double sum = 0;
        for (int k = 0; k < a.length; k++) {
            double d = (double) a[k] - b[k];
            sum += d * d;
        }
        return (float) Math.sqrt(sum);
    }
}
