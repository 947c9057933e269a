package io.editlab.ultraedit.impl;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import java.util.Map;

/**
 * An UltraEdit editor's options, one component per attribute of {@link UltraEditConfig} (empty or
 * -1: the preset's), checked as far as they can be without a model.
 */
public record UltraEditOptions(String preset, String layers, String module, double learningRate)
        implements EditOptions {

    public UltraEditOptions {
        Options.require(
                module.isBlank()
                        || module.strip().equalsIgnoreCase("MLP_DOWN")
                        || module.strip().equalsIgnoreCase("MLP_UP"),
                "module",
                module.strip(),
                "empty (the preset's), MLP_DOWN or MLP_UP");
        Options.require(
                learningRate == -1 || learningRate > 0 && !Double.isInfinite(learningRate),
                "learningRate",
                learningRate,
                "-1 (the preset's) or a positive finite number");
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
