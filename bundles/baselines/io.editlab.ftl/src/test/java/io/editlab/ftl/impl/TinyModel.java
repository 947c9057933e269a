package io.editlab.ftl.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.model.Completion;
import io.editlab.api.model.LanguageModel;
import io.editlab.api.model.TargetScore;
import io.editlab.api.train.PretrainingSpec;
import io.editlab.runtime.impl.DjlRuntime;
import io.editlab.runtime.testing.Configs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A tiny GPT-2 pretrained on 48 facts about 12 people, the edits made to it, and FT-L's defaults. */
final class TinyModel {

    private static final String[] PEOPLE = {
        "Ana", "Bo", "Cyr", "Dag", "Eli", "Fen", "Gus", "Hal", "Ivo", "Jun", "Kai", "Lia"
    };
    private static final String[] CITIES = {"Oslo", "Lima", "Rome", "Kyiv"};
    private static final String[] COLOURS = {"red", "blue", "green"};

    private TinyModel() {}

    /** Pretrains the model into {@code folder} (a few seconds on a CPU). */
    static void pretrain(DjlRuntime runtime, Path folder) throws Exception {
        runtime.pretrain(
                new PretrainingSpec(2, 32, 2, 150, 16, 3e-3f, 1.0, 1), facts(), List.of(), folder, (s, d, t) -> {});
    }

    /** Each person's city and colour, asked two ways. */
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

    /** Moves people {@code from} to {@code from + count - 1} to another city. */
    static List<EditRequest> moves(int from, int count) {
        List<EditRequest> edits = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            edits.add(EditRequest.of("city-" + i, PEOPLE[i] + " lives in", CITIES[(i * 7 + 1) % CITIES.length]));
        }
        return edits;
    }

    /** Gives people {@code from} to {@code from + count - 1} another favourite colour. */
    static List<EditRequest> recolours(int from, int count) {
        List<EditRequest> edits = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            edits.add(EditRequest.of(
                    "colour-" + i, PEOPLE[i] + " likes the colour", COLOURS[(i * 5 + 1) % COLOURS.length]));
        }
        return edits;
    }

    /** The fraction of {@code edits} whose targets {@code model} predicts exactly. */
    static double exactMatch(LanguageModel model, List<EditRequest> edits) {
        List<TargetScore> scores = model.score(completions(edits));
        return scores.stream().filter(TargetScore::exactMatch).count() / (double) scores.size();
    }

    /** The mean log-probability per target token of {@code edits}' targets, averaged over the edits. */
    static double meanLogProb(LanguageModel model, List<EditRequest> edits) {
        return model.score(completions(edits)).stream()
                .mapToDouble(TargetScore::meanLogProb)
                .average()
                .orElseThrow();
    }

    /** FT-L's built-in defaults, as SCR passes them when there is no configuration. */
    static FtlConfig defaults() {
        return config(Map.of());
    }

    /** A configuration: {@code values} by attribute name, the built-in default for the others. */
    static FtConfig ftConfig(Map<String, Object> values) {
        return Configs.of(FtConfig.class, values);
    }

    static FtlConfig config(Map<String, Object> values) {
        return Configs.of(FtlConfig.class, values);
    }

    private static List<Completion> completions(List<EditRequest> edits) {
        return edits.stream().map(e -> new Completion(e.prompt(), e.target())).toList();
    }

    private static String city(int person) {
        return CITIES[(person * 7) % CITIES.length];
    }

    private static String colour(int person) {
        return COLOURS[(person * 5) % COLOURS.length];
    }
}
