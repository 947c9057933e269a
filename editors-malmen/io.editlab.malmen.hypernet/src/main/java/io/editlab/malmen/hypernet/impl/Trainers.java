package io.editlab.malmen.hypernet.impl;

import io.editlab.api.edit.EditException;
import io.editlab.malmen.hypernet.Variant;
import java.util.Map;

/** Shared by the two trainer components. */
final class Trainers {

    private Trainers() {
    }

    /**
     * The configuration, once checked.
     *
     * @throws IllegalArgumentException naming the PID and the bad key
     */
    static TrainerConfig validated(Variant variant, TrainerConfig config) {
        try {
            TrainerSettings.read(variant, config, Map.of());
            return config;
        } catch (EditException e) {
            throw new IllegalArgumentException("invalid configuration io.editlab." + variant.id() + ".hypernet: "
                    + e.getMessage(), e);
        }
    }
}
