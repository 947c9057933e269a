package io.editlab.locate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads what one module of a session sees at one token of each text: its input (an MLP output
 * projection's input is the key) or its output (a block's output is the residual stream). The texts
 * run in chunks through the session as it is now, edits included; nothing is trained.
 */
public final class Readout {

    /** Which side of the module to read. */
    public enum Side {
        INPUT,
        OUTPUT
    }

    /** Texts per forward pass. */
    static final int CHUNK = 64;

    private Readout() {}

    /**
     * @return {@code [sites, width]} in {@code into}, the module's {@code side} at each site's position,
     *     in the order of {@code sites}
     */
    public static NDArray read(EditSession session, NDManager into, String module, Side side, List<Site> sites) {
        List<NDArray> parts = new ArrayList<>();
        for (int from = 0; from < sites.size(); from += CHUNK) {
            List<Site> chunk = sites.subList(from, Math.min(sites.size(), from + CHUNK));
            NDArray[] read = new NDArray[1];
            AdapterRegistration hook = session.addAdapter(module, (context, input, output) -> {
                NDArray seen = (side == Side.INPUT ? input : output).stopGradient();
                read[0] = at(
                        seen,
                        IntStream.range(0, chunk.size()).toArray(),
                        chunk.stream().mapToInt(Site::position).toArray(),
                        context.manager());
                return output;
            });
            try (NDManager scratch = session.manager().newSubManager()) {
                List<Completion> texts = chunk.stream().map(Site::text).toList();
                session.forward(scratch, texts, ForwardOptions.INFERENCE);
                if (read[0] == null) {
                    throw new IllegalStateException("the forward pass did not run " + module);
                }
                NDArray kept = read[0].duplicate();
                kept.attach(into);
                parts.add(kept);
            } finally {
                hook.close();
            }
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NDArray joined = NDArrays.concat(new NDList(parts), 0);
        joined.attach(into);
        parts.forEach(NDArray::close);
        return joined;
    }

    /**
     * {@code [rows.length, width]}: text {@code rows[i]} of {@code states} ({@code [texts, sequence,
     * width]}) at token {@code positions[i]}.
     */
    static NDArray at(NDArray states, int[] rows, int[] positions, NDManager manager) {
        long sequence = states.getShape().get(1);
        long width = states.getShape().get(2);
        long[] flat = new long[rows.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = rows[i] * sequence + positions[i];
        }
        return states.reshape(states.getShape().get(0) * sequence, width).get(manager.create(flat));
    }
}
