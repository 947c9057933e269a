package io.editlab.malmen.hypernet.impl;

import io.editlab.api.data.KnowledgeCorpus;
import java.lang.reflect.Proxy;
import java.util.Map;

/** The built-in world of io.editlab.world, outside OSGi: its component with a given configuration. */
final class BuiltinWorld {

    private BuiltinWorld() {
    }

    static KnowledgeCorpus corpus(Map<String, Object> values) throws Exception {
        Class<?> config = Class.forName("io.editlab.world.impl.BuiltinCorpus$Config");
        Object proxy = Proxy.newProxyInstance(config.getClassLoader(), new Class<?>[] {config},
                (p, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
        Class<?> corpus = Class.forName("io.editlab.world.impl.BuiltinCorpus");
        return (KnowledgeCorpus) corpus.getConstructor(config).newInstance(proxy);
    }
}
