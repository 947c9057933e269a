package io.editlab.malmen.impl;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.host.ProcessMemory;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.runtime.impl.DjlRuntime;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On-demand measurement (-Dprobe=true -Dprobe.net=DIR): one apply call of N facts on the built-in
 * model, peak resident memory (sampled every 5 ms) and time. Beyond the world's 1,200 edits the
 * list repeats (only memory and time are meaningful then).
 */
class ProbeScale {
    @Test
    @EnabledIfSystemProperty(named = "probe", matches = "true")
    void scale() throws Exception {
        DjlRuntime runtime = DjlRuntime.standalone("cpu");
        ModelHandle model = runtime.load("b", Path.of(System.getProperty("user.home"), ".editlab/models/builtin"));
        Class<?> config = Class.forName("io.editlab.world.impl.BuiltinCorpus$Config");
        Object proxy = Proxy.newProxyInstance(config.getClassLoader(), new Class<?>[] {config},
                (p, method, args) -> method.getDefaultValue());
        KnowledgeCorpus corpus = (KnowledgeCorpus) Class.forName("io.editlab.world.impl.BuiltinCorpus")
                .getConstructor(config).newInstance(proxy);
        List<EditRequest> world = corpus.edits();
        String method = System.getProperty("probe.method", "malmen");
        for (String n : System.getProperty("probe.n", "100,1000,5000").split(",")) {
            List<EditRequest> batch = new ArrayList<>();
            for (int i = 0; i < Integer.parseInt(n); i++) {
                batch.add(world.get(i % world.size()));
            }
            System.gc();
            long before = ProcessMemory.residentBytes();
            AtomicLong peak = new AtomicLong(before);
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(ProcessMemory.residentBytes(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            try (EditSession session = model.openSession("scale")) {
                Editor editor = (method.equals("mend") ? (io.editlab.api.edit.EditMethod) new MendMethod(
                        TinyWorld.config(Map.of())) : new MalmenMethod(TinyWorld.config(Map.of()))).create(session,
                        Map.of("hypernet", System.getProperty("probe.net"), "mode",
                                System.getProperty("probe.mode", "sequential")));
                long t0 = System.nanoTime();
                EditResult result = editor.apply(batch);
                long nanos = System.nanoTime() - t0;
                sampler.interrupt();
                sampler.join();
                System.out.printf("SCALE %s n=%s: %.2f s (%.2f ms/fact), RSS before %d MB, peak during call %d MB"
                        + " (+%d MB), tokens %.0f%n", method, n, nanos / 1e9, nanos / 1e6 / batch.size(),
                        before >> 20, peak.get() >> 20, (peak.get() - before) >> 20, result.stats().get("tokens"));
                editor.close();
            }
        }
        runtime.close();
    }
}
