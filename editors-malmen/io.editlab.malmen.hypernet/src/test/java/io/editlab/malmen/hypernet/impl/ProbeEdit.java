package io.editlab.malmen.hypernet.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.TargetScore;
import io.editlab.malmen.hypernet.EditedModule;
import io.editlab.malmen.hypernet.HyperNetwork;
import io.editlab.malmen.hypernet.HypernetConfig;
import io.editlab.malmen.hypernet.KeyTracer;
import io.editlab.malmen.hypernet.Layouts;
import io.editlab.malmen.hypernet.ShiftAggregator;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** On-demand experiment: one-call edits of the built-in world's first N edits (-Dprobe=true). */
class ProbeEdit {
    @Test
    @EnabledIfSystemProperty(named = "probe", matches = "true")
    void edit() throws Exception {
        DjlRuntime runtime = DjlRuntime.standalone("cpu");
        ModelHandle model = runtime.load("b", Path.of(System.getProperty("user.home"), ".editlab/models/builtin"));
        List<EditRequest> edits = BuiltinWorld.corpus(Map.of()).edits();
        try (EditSession session = model.openSession("probe"); NDManager m = session.manager().newSubManager()) {
            HyperNetwork network;
            String net = System.getProperty("probe.net", "identity");
            if (net.equals("identity")) {
                List<String> modules = new ArrayList<>();
                for (String l : System.getProperty("probe.layers", "2,3").split(",")) {
                    modules.add(model.module(Integer.parseInt(l), io.editlab.api.model.ModuleRole.MLP_DOWN));
                }
                network = HyperNetwork.create(HypernetConfig.of(model, Variant.MALMEN, modules, 8, 2,
                        CaptureTokens.TARGET, 32), Double.parseDouble(System.getProperty("probe.eta", "0.01")), 1, m);
            } else {
                network = HyperNetwork.load(Path.of(net), m);
            }
            for (String n : System.getProperty("probe.n", "100").split(",")) {
                List<EditRequest> batch = edits.subList(0, Integer.parseInt(n));
                List<Completion> completions = batch.stream().map(r -> new Completion(r.prompt(), r.target())).toList();
                Map<EditedModule, ShiftAggregator> aggregators = new LinkedHashMap<>();
                for (EditedModule e : network.config().modules()) {
                    aggregators.put(e, new ShiftAggregator(network, e, m));
                }
                boolean observe = net.equals("identity");
                for (List<Completion> b : KeyTracer.batches(session.tokenizer(), completions, 32)) {
                    try (NDManager s = m.newSubManager()) {
                        KeyTracer.trace(session, s, b, network.config().modules(), CaptureTokens.TARGET, 32, (e, u, g) -> {
                            if (observe) {
                                network.observe(e, u, g);
                            }
                        });
                    }
                }
                for (List<Completion> b : KeyTracer.batches(session.tokenizer(), completions, 32)) {
                    try (NDManager s = m.newSubManager()) {
                        KeyTracer.trace(session, s, b, network.config().modules(), CaptureTokens.TARGET, 32,
                                (e, u, g) -> aggregators.get(e).add(u, g));
                    }
                }
                for (EditedModule e : network.config().modules()) {
                    NDArray shift = aggregators.get(e).shift(m);
                    Layouts.addShift(session.delta(e.weight()), e.layout(), shift);
                }
                double es = exact(session.score(completions));
                double gs = exact(session.score(batch.stream().map(r -> new Completion(r.rephrases().get(0),
                        r.target())).toList()));
                List<Completion> loc = batch.stream().flatMap(r -> r.locality().stream())
                        .map(p -> new Completion(p.prompt(), p.answer())).toList();
                List<TargetScore> pre = model.score(loc);
                List<TargetScore> post = session.score(loc);
                int same = 0;
                int total = 0;
                for (int i = 0; i < pre.size(); i++) {
                    for (int j = 0; j < pre.get(i).predictedIds().length; j++) {
                        same += pre.get(i).predictedIds()[j] == post.get(i).predictedIds()[j] ? 1 : 0;
                        total++;
                    }
                }
                System.out.printf("PROBE n=%s ES %.3f GS %.3f LS %.3f%n", n, es, gs, same / (double) total);
                for (EditedModule e : network.config().modules()) {
                    session.delta(e.weight()).set(new NDIndex("..."), 0f);
                    aggregators.get(e).close();
                }
            }
        }
        runtime.close();
    }

    private static double exact(List<TargetScore> scores) {
        return scores.stream().filter(TargetScore::exactMatch).count() / (double) scores.size();
    }
}
