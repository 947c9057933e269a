package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.editlab.api.model.Adapter;
import io.editlab.api.model.Capture;
import io.editlab.api.model.ForwardContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One forward pass: its inputs, the overlay it runs with, and everything it allocates (in {@link
 * #manager()}). Architectures read weights through {@link #weight} and call {@link #hook} at every
 * hook point, which is where captures and adapters act.
 */
final class Pass implements ForwardContext {

    private final NDManager manager;
    private final NDArray tokenIds;
    private final int[] queryPositions;
    private final boolean training;
    private final Map<String, NDArray> base;
    private final Overlay overlay;
    private final Set<String> capture;
    private final NDArray captureRows;
    private final LongSupplier backwards;
    /** Names of base weights widened to float32 in {@link #effective} (no delta): freed by {@link #releaseWidened}. */
    private final List<String> widened = new ArrayList<>();

    private final Map<String, Object> attributes = new HashMap<>();
    private final Map<String, NDArray> effective = new HashMap<>();
    private final Map<String, Probe> probes = new LinkedHashMap<>();

    Pass(
            NDManager manager,
            NDArray tokenIds,
            int[] queryPositions,
            boolean training,
            Map<String, NDArray> base,
            Overlay overlay,
            Set<String> capture,
            NDArray captureRows,
            LongSupplier backwards) {
        this.manager = manager;
        this.tokenIds = tokenIds;
        this.queryPositions = queryPositions.clone();
        this.training = training;
        this.base = base;
        this.overlay = overlay;
        this.capture = capture;
        this.captureRows = captureRows;
        this.backwards = backwards;
    }

    /**
     * The weight as this pass sees it: the base, plus the overlay's delta when there is one; a base
     * weight of another floating type than float32 is widened to float32 for this pass (README,
     * "Precision").
     */
    NDArray weight(String name) {
        NDArray delta = overlay.existingDelta(name);
        NDArray stored = base.get(name);
        boolean narrow = stored.getDataType().isFloating() && stored.getDataType() != Session.DELTA_TYPE;
        if (delta == null && !narrow) {
            return stored;
        }
        return effective.computeIfAbsent(name, n -> {
            // new arrays start in this pass's manager: results of ops on the base would land in its capped one
            NDArray sum;
            if (delta != null) {
                sum = delta.add(stored);
            } else {
                sum = manager.zeros(stored.getShape(), Session.DELTA_TYPE).addi(stored);
                widened.add(n);
            }
            sum.attach(manager);
            return sum;
        });
    }

    /**
     * Frees the float32 copies of narrower base weights this pass made so far, unless a backward pass
     * may still need them: transformers call it after every block with the block's output, which is
     * part of a gradient graph only when a trainable array fed it (no copy made before the first
     * trained weight is kept for backward). So scoring a 2-byte model holds one block's float32
     * weights at a time, and training holds those of the blocks from the first trained one on.
     */
    void releaseWidened(NDArray blockOutput) {
        if (widened.isEmpty() || (JniUtils.isGradMode() && blockOutput.hasGradient())) {
            return;
        }
        for (String name : widened) {
            NDArray copy = effective.remove(name);
            if (copy != null) {
                copy.close();
            }
        }
        widened.clear();
    }

    /** Runs the captures and adapters of {@code module} on its output. */
    NDArray hook(String module, NDArray input, NDArray output) {
        NDArray out = output;
        if (capture.contains(module)) {
            out = probe(module, input, out);
        }
        for (Adapter adapter : overlay.adapters(module)) {
            out = adapter.forward(this, input, out);
            if (!out.getShape().equals(output.getShape())) {
                throw new IllegalStateException("adapter " + adapter + " at " + module + " returned shape "
                        + out.getShape() + " instead of " + output.getShape());
            }
        }
        return out;
    }

    /** Records the module's inputs and adds a zero probe whose gradient is the output gradient. */
    private NDArray probe(String module, NDArray input, NDArray output) {
        Shape in = input.getShape();
        NDArray keys = input.reshape(-1, in.get(in.dimension() - 1))
                .get(manager, new NDIndex("{}", captureRows))
                .stopGradient();
        NDArray zero = manager.zeros(output.getShape(), output.getDataType());
        zero.setRequiresGradient(true);
        probes.put(module, new Probe(module, keys, zero, backwards.getAsLong()));
        return output.add(zero);
    }

    Optional<Capture> capture(String module) {
        return Optional.ofNullable(probes.get(module));
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public NDArray tokenIds() {
        return tokenIds;
    }

    @Override
    public int[] queryPositions() {
        return queryPositions.clone();
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public void setAttribute(String key, Object value) {
        attributes.put(key, value);
    }

    @Override
    public <T> Optional<T> attribute(String key, Class<T> type) {
        Object value = attributes.get(key);
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    /** A capture: inputs now, output gradients once a backward pass has filled the probe's gradient. */
    private final class Probe implements Capture {
        private final String module;
        private final NDArray inputs;
        private final NDArray zero;
        private final long backwardsBefore;
        private NDArray gradients;

        Probe(String module, NDArray inputs, NDArray zero, long backwardsBefore) {
            this.module = module;
            this.inputs = inputs;
            this.zero = zero;
            this.backwardsBefore = backwardsBefore;
        }

        @Override
        public String module() {
            return module;
        }

        @Override
        public NDArray inputs() {
            return inputs;
        }

        @Override
        public synchronized NDArray outputGradients() {
            if (gradients == null) {
                if (backwards.getAsLong() == backwardsBefore) {
                    throw new IllegalStateException(
                            "no gradient at " + module + " yet: run backward on a loss of this pass first");
                }
                NDArray grad = zero.getGradient();
                Shape out = grad.getShape();
                gradients = grad.reshape(-1, out.get(out.dimension() - 1)).get(manager, new NDIndex("{}", captureRows));
                grad.close();
            }
            return gradients;
        }
    }
}
