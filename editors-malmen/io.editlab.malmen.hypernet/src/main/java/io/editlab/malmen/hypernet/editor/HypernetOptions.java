package io.editlab.malmen.hypernet.editor;

import io.editlab.api.edit.EditOptions;
import io.editlab.editkit.Options;
import io.editlab.editkit.OptionsReader;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.EditorConfig;
import java.util.Locale;
import java.util.Map;

/**
 * A MALMEN or MEND editor's options, one component per attribute of {@link EditorConfig} (see
 * there); the hyper-network folder is checked when an editor is created (it may be empty in the
 * configured defaults, for editors that name their own).
 */
public record HypernetOptions(String hypernet, int lmBatchSize, int tokenChunk, String mode) implements EditOptions {

    public HypernetOptions {
        Options.require(lmBatchSize >= 0, "lmBatchSize", lmBatchSize, "0 (the hyper-network's) or a positive number");
        Options.atLeast("tokenChunk", tokenChunk, 1);
        Options.require(
                mode.strip().equalsIgnoreCase("sequential") || mode.strip().equalsIgnoreCase("joint"),
                "mode",
                mode.strip().toLowerCase(Locale.ROOT),
                "sequential or joint");
    }

    /**
     * The reader of {@code variant}'s options over its configured {@code defaults}, which it checks
     * (all but the hyper-network folder, which editors may name themselves).
     *
     * @throws IllegalArgumentException naming the PID and the bad key
     */
    public static OptionsReader<HypernetOptions, EditorConfig> reader(Variant variant, EditorConfig defaults) {
        return new OptionsReader<>(variant.id(), HypernetOptions.class, EditorConfig.class, defaults)
                .checkDefaults("io.editlab." + variant.id());
    }

    @Override
    public Map<String, String> values() {
        return Options.values(this);
    }
}
