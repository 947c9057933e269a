package io.editlab.malmen.hypernet.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.ModelHandle;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** On-demand experiment: meta-training on the built-in model and world (-Dprobe=true). */
class ProbeTraining {
    @Test
    @EnabledIfSystemProperty(named = "probe", matches = "true")
    void train() throws Exception {
        DjlRuntime runtime = DjlRuntime.standalone("cpu");
        ModelHandle model = runtime.load("b", Path.of(System.getProperty("user.home"), ".editlab/models/builtin"));
        List<EditRequest> edits = BuiltinWorld.corpus(Map.of()).edits();
        Map<String, Object> overrides = new HashMap<>();
        for (String kv : System.getProperty("probe.config", "").split(" ")) {
            if (!kv.isBlank()) {
                overrides.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        int holdout = Integer.getInteger("probe.holdout", 600);
        List<EditRequest> rest = edits.subList(holdout, edits.size());
        int v = rest.size() / 10;
        TrainerSettings settings = TrainerSettings.read(Variant.of(System.getProperty("probe.method", "malmen")),
                TrainerDefaults.defaults(), overrides);
        List<EditRequest> training = rest.subList(0, rest.size() - v);
        List<EditRequest> validation = rest.subList(rest.size() - v, rest.size());
        if (Integer.getInteger("probe.overfit", 0) > 0) {
            training = rest.subList(0, Integer.getInteger("probe.overfit"));
            validation = training;
        }
        new MetaTraining(model, settings, (s, d, t) -> {
            if (d == t && (s.contains("validation:") || Boolean.getBoolean("probe.verbose"))) {
                System.out.println(s);
            }
        }).run(training, validation, Path.of(System.getProperty("probe.out", "/tmp/hn-probe")));
        runtime.close();
    }
}
