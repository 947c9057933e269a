package io.editlab.ftl.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.editkit.OptionsReader;
import java.util.Map;

/**
 * What {@code ft-l} and {@code ft} share: one editor and one options record, read from the
 * method's own configuration type {@code A}; the configured defaults are checked at activation.
 */
abstract class FineTuningMethod<A> implements EditMethod {

    private final String id;
    private final double depth;
    private final OptionsReader<FtOptions, A> reader;

    /**
     * @param depth where layer -1 puts the tuned block, as a fraction of the depth
     * @throws IllegalArgumentException when the configured defaults are invalid
     */
    FineTuningMethod(String id, double depth, Class<A> type, A config, String pid) {
        this.id = id;
        this.depth = depth;
        this.reader = new OptionsReader<>(id, FtOptions.class, type, config).checkDefaults(pid);
    }

    @Override
    public FtOptions options(Map<String, ?> overrides) throws EditException {
        return reader.read(overrides);
    }

    @Override
    public Editor create(EditSession session, EditOptions options) throws EditException {
        return new FtlEditor(session, FtlSettings.of(id, depth, reader.as(options)));
    }
}
