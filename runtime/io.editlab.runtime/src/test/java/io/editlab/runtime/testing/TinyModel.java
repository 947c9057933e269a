package io.editlab.runtime.testing;

import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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
            runtime.pretrain(
                    new PretrainingSpec(blocks, 32, 2, 300, 16, 1e-2f, 1.0, 1),
                    facts(),
                    List.of(),
                    folder,
                    (s, d, t) -> {});
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

    /**
     * Text for key statistics: the facts and 300 random sentences of the model's words, enough tokens
     * for a full-rank second moment of its 128-wide MLP keys (MEMIT measures on Wikipedia).
     */
    public static List<Completion> text() {
        List<String> words = new ArrayList<>(List.of("lives", "in", "likes", "the", "colour"));
        words.addAll(List.of(PEOPLE));
        words.addAll(List.of(CITIES));
        words.addAll(List.of(COLOURS));
        Random random = new Random(7);
        List<Completion> text = new ArrayList<>(facts());
        for (int i = 0; i < 300; i++) {
            StringBuilder prompt = new StringBuilder(words.get(random.nextInt(words.size())));
            for (int w = 0; w < 5; w++) {
                prompt.append(' ').append(words.get(random.nextInt(words.size())));
            }
            text.add(new Completion(prompt.toString(), words.get(random.nextInt(words.size()))));
        }
        return text;
    }

    /** {@link #text()} as a knowledge corpus (no paraphrases or edits), for editors that measure key statistics. */
    public static KnowledgeCorpus corpus() {
        return new KnowledgeCorpus() {
            @Override
            public List<Completion> facts() {
                return text();
            }

            @Override
            public List<Completion> paraphrases() {
                return List.of();
            }

            @Override
            public List<EditRequest> edits() {
                return List.of();
            }
        };
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
