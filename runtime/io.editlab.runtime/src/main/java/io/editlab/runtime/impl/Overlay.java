package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import io.editlab.api.model.Adapter;
import java.util.List;

/** What a pass adds to the base weights: a session's deltas and adapters, or nothing. */
interface Overlay {

    Overlay NONE = new Overlay() {
        @Override
        public NDArray existingDelta(String parameter) {
            return null;
        }

        @Override
        public List<Adapter> adapters(String module) {
            return List.of();
        }
    };

    /** The delta on a parameter, or null when there is none. */
    NDArray existingDelta(String parameter);

    /** The adapters hooked at a module, in order. */
    List<Adapter> adapters(String module);
}
