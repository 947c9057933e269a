package io.editlab.lemoe.impl;

import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny GPT-2 pretrained on a few facts (as in the runtime's own tests), and the runtime holding it. */
final class TinyModel implements AutoCloseable {

    static final String[] PEOPLE = {"Ana", "Bo", "Cyr", "Dag", "Eli", "Fen", "Gus", "Hal"};
    static final String[] CITIES = {"Oslo", "Lima", "Rome", "Kyiv"};
    static final String[] COLOURS = {"red", "blue", "green"};

    final DjlRuntime runtime;
    final ModelHandle model;

    private TinyModel(DjlRuntime runtime, ModelHandle model) {
        this.runtime = runtime;
        this.model = model;
    }

    /**
     * Pretrains a four-block model of width 32 into {@code dir} (a few seconds) and loads it: the
     * defaults put the mixture at block 2 (4 * 9 / 16), experts 128 wide (the host's inner width).
     */
    static TinyModel pretrain(Path dir) throws Exception {
        DjlRuntime runtime = DjlRuntime.standalone("cpu");
        try {
            Path folder = dir.resolve("tiny");
            runtime.pretrain(new PretrainingSpec(4, 32, 2, 300, 16, 1e-2f, 1.0, 1), facts(), List.of(), folder,
                    (s, d, t) -> { });
            return new TinyModel(runtime, runtime.load("tiny", folder));
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
    }

    /** Each person's city and colour, asked two ways each. */
    static List<Completion> facts() {
        List<Completion> facts = new ArrayList<>();
        for (int i = 0; i < PEOPLE.length; i++) {
            facts.add(new Completion(PEOPLE[i] + " lives in", city(i)));
            facts.add(new Completion(PEOPLE[i] + " likes the colour", COLOURS[(i * 5) % 3]));
        }
        return facts;
    }

    /** Person {@code i}'s true city. */
    static String city(int i) {
        return CITIES[(i * 7) % 4];
    }

    /** A city that is not person {@code i}'s. */
    static String otherCity(int i) {
        return CITIES[(i * 7 + 1) % 4];
    }

    @Override
    public void close() {
        runtime.close();
    }
}
