package io.editlab.api.host;

import io.editlab.api.data.DatasetReader;
import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.api.eval.Metric;
import io.editlab.api.loss.Loss;
import io.editlab.api.plan.EditOrderPlanner;
import io.editlab.api.route.Router;

/** The kinds of plugin service, with the service property that names each plugin. */
public enum PluginKind {
    METHOD(EditMethod.class, EditMethod.NAME),
    META_TRAINER(MetaTrainer.class, EditMethod.NAME),
    ROUTER(Router.class, Router.NAME),
    LOSS(Loss.class, Loss.NAME),
    METRIC(Metric.class, Metric.NAME),
    DATASET(DatasetReader.class, DatasetReader.FORMAT),
    PLANNER(EditOrderPlanner.class, EditOrderPlanner.NAME),
    CORPUS(KnowledgeCorpus.class, KnowledgeCorpus.NAME),
    COMMAND(Command.class, Command.NAME);

    private final Class<?> service;
    private final String nameProperty;

    PluginKind(Class<?> service, String nameProperty) {
        this.service = service;
        this.nameProperty = nameProperty;
    }

    /** The service interface plugins of this kind register. */
    public Class<?> service() {
        return service;
    }

    /** The service property that carries a plugin's name. */
    public String nameProperty() {
        return nameProperty;
    }
}
