package io.editlab.memit.impl;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import io.editlab.locate.LocateOptions;
import java.util.Map;

/**
 * A MEMIT editor's options: those of every locate-then-edit method and MEMIT's own (attributes of
 * {@link MemitConfig}).
 *
 * @param covarianceWeight lambda, the weight of the preserved keys' second moment; -1 for the preset's
 */
public record MemitOptions(LocateOptions shared, double covarianceWeight) implements EditOptions {

    public MemitOptions {
        LocateOptions.orPreset("covarianceWeight", covarianceWeight, false);
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
