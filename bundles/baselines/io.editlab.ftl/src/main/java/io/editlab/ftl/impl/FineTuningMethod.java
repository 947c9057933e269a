package io.editlab.ftl.impl;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import java.util.Map;

/** What {@code ft-l} and {@code ft} share: one editor, configured defaults checked at activation. */
abstract class FineTuningMethod implements EditMethod {

    private final FtlSettings.Defaults defaults;

    /** @throws IllegalArgumentException when the configured defaults are invalid */
    FineTuningMethod(FtlSettings.Defaults defaults, String pid) {
        this.defaults = defaults;
        try {
            FtlSettings.read(defaults, Map.of());
        } catch (EditException e) {
            throw new IllegalArgumentException("invalid configuration " + pid + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Editor create(EditSession session, Map<String, ?> overrides) throws EditException {
        return new FtlEditor(session, FtlSettings.read(defaults, overrides));
    }
}
