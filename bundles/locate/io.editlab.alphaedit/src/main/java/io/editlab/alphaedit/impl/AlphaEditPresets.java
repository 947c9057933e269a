package io.editlab.alphaedit.impl;

import io.editlab.locate.LocatePreset;
import java.util.List;
import java.util.Map;

/**
 * AlphaEdit's presets: the mass-editing layouts it shares with the family ({@link
 * LocatePreset#MASS_EDITING}) and, per preset, its own null-space threshold and L2 (README, "Presets").
 */
final class AlphaEditPresets {

    static final List<LocatePreset> ALL = LocatePreset.MASS_EDITING;

    /** The null-space threshold of each preset. */
    static final Map<String, Double> THRESHOLD = Map.of("gpt2-xl", 2e-2, "gpt-j", 2e-2, "llama", 2e-2, "small", 0.5);

    /** L2 of each preset. */
    static final Map<String, Double> L2 = Map.of("gpt2-xl", 10.0, "gpt-j", 10.0, "llama", 10.0, "small", 10.0);

    private AlphaEditPresets() {}
}
