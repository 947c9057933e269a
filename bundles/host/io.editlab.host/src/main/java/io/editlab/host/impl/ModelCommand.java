package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.train.Pretrainer;
import java.io.PrintStream;

/** A command that works on one model given as {@code --model DIR|builtin}. */
abstract class ModelCommand implements Command {

    private final ModelRuntime runtime;
    private final Pretrainer pretrainer;
    private final PluginCatalog catalog;

    ModelCommand(ModelRuntime runtime, Pretrainer pretrainer, PluginCatalog catalog) {
        this.runtime = runtime;
        this.pretrainer = pretrainer;
        this.catalog = catalog;
    }

    /** The loaded model for {@code spec}, pretraining the built-in one on first use. */
    ModelHandle model(String spec, PrintStream err) throws ModelException {
        return Models.resolve(spec, runtime, pretrainer, catalog, err);
    }
}
