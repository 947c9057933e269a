package io.editlab.malmen.hypernet.editor;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.model.Completion;
import io.editlab.api.model.LanguageModel;
import io.editlab.api.model.TargetScore;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.malmen.hypernet.config.EditorConfig;
import io.editlab.runtime.impl.DjlRuntime;
import io.editlab.runtime.testing.Configs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tiny GPT-2 pretrained on a small world (16 people, a city and a colour each, two phrasings per
 * fact, one more held out), and counterfactual edits of its facts with rephrasings and locality
 * probes, like the built-in world's.
 */
final class TinyWorld {

    static final String[] PEOPLE = {
        "Ana", "Bo", "Cyr", "Dag", "Eli", "Fen", "Gus", "Hal", "Ivo", "Jun", "Kai", "Lia", "Mo", "Ned", "Ola", "Pia"
    };
    static final String[] CITIES = {"Oslo", "Lima", "Rome", "Kyiv", "Bern"};
    static final String[] COLOURS = {"red", "blue", "green", "pink"};

    private TinyWorld() {}

    /** Pretrains the model into {@code folder} (a few seconds on a CPU). */
    static void pretrain(DjlRuntime runtime, Path folder) throws Exception {
        List<String> vocabulary = new ArrayList<>(List.of(CITIES));
        vocabulary.addAll(List.of(COLOURS));
        runtime.pretrain(
                new PretrainingSpec(2, 32, 2, 200, 16, 3e-3f, 1.0, 1), facts(), vocabulary, folder, (s, d, t) -> {});
    }

    static List<Completion> facts() {
        List<Completion> facts = new ArrayList<>();
        for (int i = 0; i < PEOPLE.length; i++) {
            facts.add(new Completion(PEOPLE[i] + " lives in", city(i)));
            facts.add(new Completion("The home of " + PEOPLE[i] + " is", city(i)));
            facts.add(new Completion(PEOPLE[i] + " likes the colour", colour(i)));
            facts.add(new Completion("The favourite colour of " + PEOPLE[i] + " is", colour(i)));
        }
        return facts;
    }

    /** Counterfactual edits of persons {@code from .. from + count - 1}: a new city and a new colour each. */
    static List<EditRequest> edits(int from, int count) {
        List<EditRequest> edits = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            int next = (i + PEOPLE.length / 2) % PEOPLE.length; // the other half: never edited in the same call
            edits.add(new EditRequest(
                    "city-" + i,
                    PEOPLE[i] + " lives in",
                    CITIES[(i * 3 + 1) % CITIES.length],
                    PEOPLE[i],
                    city(i),
                    List.of("The home of " + PEOPLE[i] + " is"),
                    List.of(
                            new Probe(PEOPLE[next] + " lives in", city(next)),
                            new Probe(PEOPLE[next] + " likes the colour", colour(next))),
                    List.of()));
            edits.add(new EditRequest(
                    "colour-" + i,
                    PEOPLE[i] + " likes the colour",
                    COLOURS[(i * 5 + 1) % COLOURS.length],
                    PEOPLE[i],
                    colour(i),
                    List.of("The favourite colour of " + PEOPLE[i] + " is"),
                    List.of(
                            new Probe(PEOPLE[next] + " likes the colour", colour(next)),
                            new Probe("The home of " + PEOPLE[next] + " is", city(next))),
                    List.of()));
        }
        return edits;
    }

    static double exactMatch(LanguageModel model, List<EditRequest> edits) {
        List<TargetScore> scores = model.score(completions(edits));
        return scores.stream().filter(TargetScore::exactMatch).count() / (double) scores.size();
    }

    static double meanLogProb(LanguageModel model, List<EditRequest> edits) {
        return model.score(completions(edits)).stream()
                .mapToDouble(TargetScore::meanLogProb)
                .average()
                .orElseThrow();
    }

    static List<Completion> completions(List<EditRequest> edits) {
        return edits.stream().map(e -> new Completion(e.prompt(), e.target())).toList();
    }

    /** An editor configuration: {@code values} by attribute name, the built-in default for the others. */
    static EditorConfig config(Map<String, Object> values) {
        return Configs.of(EditorConfig.class, values);
    }

    private static String city(int person) {
        return CITIES[(person * 3) % CITIES.length];
    }

    private static String colour(int person) {
        return COLOURS[(person * 5) % COLOURS.length];
    }
}
