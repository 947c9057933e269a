package io.editlab.memit.impl;

import io.editlab.locate.LocatePreset;
import java.util.List;
import java.util.Map;

/**
 * MEMIT's presets: the mass-editing layouts it shares with the family ({@link
 * LocatePreset#MASS_EDITING}) and, per preset, its own lambda (README, "Presets").
 */
final class MemitPresets {

    static final List<LocatePreset> ALL = LocatePreset.MASS_EDITING;

    /** lambda ({@code mom2_update_weight}) of each preset. */
    static final Map<String, Double> COVARIANCE_WEIGHT =
            Map.of("gpt2-xl", 20000.0, "gpt-j", 15000.0, "llama", 15000.0, "small", 200.0);

    private MemitPresets() {}
}
