package io.editlab.runtime.testing;

import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny GPT-2 (width 32) pretrained on a few facts, and the standalone runtime holding it: the
 * editors' unit tests share it through this module's test jar.
 */
public final class TinyModel implements AutoCloseable {

    public static final String[] PEOPLE = {"Ana", "Bo", "Cyr", "Dag", "Eli", "Fen", "Gus", "Hal"};
    public static final String[] CITIES = {"Oslo", "Lima", "Rome", "Kyiv"};
    public static final String[] COLOURS = {"red", "blue", "green"};

    public final DjlRuntime runtime;
    public final ModelHandle model;

    private TinyModel(DjlRuntime runtime, ModelHandle model) {
        this.runtime = runtime;
        this.model = model;
    }

    /** Pretrains a model of {@code blocks} blocks into {@code dir} (a few seconds) and loads it. */
    public static TinyModel pretrain(Path dir, int blocks) throws Exception {
        DjlRuntime runtime = DjlRuntime.standalone("cpu");
        try {
            Path folder = dir.resolve("tiny");
            runtime.pretrain(new PretrainingSpec(blocks, 32, 2, 300, 16, 1e-2f, 1.0, 1), facts(), List.of(), folder,
                    (s, d, t) -> { });
            return new TinyModel(runtime, runtime.load("tiny", folder));
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
    }

    /** Each person's city and colour. */
    public static List<Completion> facts() {
        List<Completion> facts = new ArrayList<>();
        for (int i = 0; i < PEOPLE.length; i++) {
            facts.add(new Completion(PEOPLE[i] + " lives in", city(i)));
            facts.add(new Completion(PEOPLE[i] + " likes the colour", COLOURS[(i * 5) % 3]));
        }
        return facts;
    }

    /** Person {@code i}'s true city. */
    public static String city(int i) {
        return CITIES[(i * 7) % 4];
    }

    /** A city that is not person {@code i}'s. */
    public static String otherCity(int i) {
        return CITIES[(i * 7 + 1) % 4];
    }

    @Override
    public void close() {
        runtime.close();
    }
}
