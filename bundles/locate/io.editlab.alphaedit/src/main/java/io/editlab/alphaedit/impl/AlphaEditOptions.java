package io.editlab.alphaedit.impl;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import io.editlab.locate.LocateOptions;
import java.util.Map;

/**
 * An AlphaEdit editor's options: those of every locate-then-edit method and AlphaEdit's own
 * (attributes of {@link AlphaEditConfig}; -1 for the preset's).
 *
 * @param nullSpaceThreshold eigenvalues of the preserved keys' second moment below it span the null space
 * @param l2 the weight of the update's own norm in the objective
 */
public record AlphaEditOptions(LocateOptions shared, double nullSpaceThreshold, double l2) implements EditOptions {

    public AlphaEditOptions {
        LocateOptions.orPreset("nullSpaceThreshold", nullSpaceThreshold, false);
        LocateOptions.orPreset("l2", l2, false);
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
