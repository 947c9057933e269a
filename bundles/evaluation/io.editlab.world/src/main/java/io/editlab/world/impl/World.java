package io.editlab.world.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import io.editlab.api.model.Completion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A deterministic synthetic knowledge world: invented people, each with one true object for each of six
 * relations (home city, profession, language, instrument, sport, pet). Every relation has a pool of
 * single-word objects and five phrasings. Each fact is trained in four phrasings; the fifth, rotating with
 * subject and relation, is held out so that generalisation can be measured on phrasings never trained on.
 * The same seed and size always give the same world.
 */
final class World {

    /** Phrasings per relation: four to train each fact on, one held out. */
    static final int TEMPLATES = 5;

    /** The relations, in the order facts are enumerated for each subject. */
    static final List<Relation> RELATIONS = List.of(
            Relation.of(
                    "city",
                    "Paris London Berlin Madrid Rome Vienna Prague Lisbon Dublin Oslo Stockholm Helsinki Warsaw "
                            + "Athens Cairo Tokyo Lima Toronto Chicago Sydney",
                    "{s} lives in",
                    "The home town of {s} is",
                    "{s} has a house in the city of",
                    "Where does {s} live ? In",
                    "{s} was born and raised in"),
            Relation.of(
                    "job",
                    "baker carpenter dentist farmer lawyer nurse pilot plumber teacher tailor writer painter doctor "
                            + "banker chemist butcher sailor soldier judge miner potter singer dancer poet surgeon",
                    "{s} works as a",
                    "By profession, {s} is a",
                    "{s} earns a living as a",
                    "What is the job of {s} ? A",
                    "{s} trained for years to become a"),
            Relation.of(
                    "language",
                    "French German Spanish Italian Dutch Polish Greek Turkish Arabic Hindi Japanese Korean Swedish "
                            + "Finnish Danish Czech Hungarian Portuguese Russian Welsh",
                    "{s} speaks",
                    "The mother tongue of {s} is",
                    "{s} grew up speaking",
                    "Which language does {s} speak ? Mostly",
                    "The native language of {s} is"),
            Relation.of(
                    "instrument",
                    "piano violin cello guitar flute trumpet drums harp oboe clarinet trombone banjo saxophone "
                            + "accordion mandolin ukulele bassoon tuba harmonica viola",
                    "{s} plays the",
                    "The instrument of {s} is the",
                    "{s} practises every evening on the",
                    "Which instrument does {s} play ? The",
                    "At concerts, {s} performs on the"),
            Relation.of(
                    "sport",
                    "football tennis hockey cricket rugby golf baseball basketball volleyball badminton handball "
                            + "squash polo softball lacrosse curling bowling netball snooker darts",
                    "The favourite sport of {s} is",
                    "{s} is a big fan of",
                    "On weekends, {s} likes playing",
                    "Which sport does {s} love most ? It is",
                    "{s} spends every summer playing"),
            Relation.of(
                    "pet",
                    "dog cat rabbit parrot hamster turtle goldfish pony canary ferret lizard snake mouse rat "
                            + "tortoise goat pig budgie gecko donkey",
                    "{s} has a pet",
                    "The pet animal of {s} is a",
                    "At home, {s} keeps a",
                    "What animal does {s} own ? A",
                    "{s} feeds and cares for a pet"));

    private static final List<String> SYLLABLES = List.of(
            "tal", "ve", "ro", "brim", "sa", "ka", "dor", "mi", "len", "bo", "ris", "tha", "nu", "gar", "fel", "zo",
            "mar", "di", "kes", "lo", "vin", "pra", "du", "sen");

    /** Every name the generator can produce, in a fixed order. */
    private static final List<String> NAMES = nameSpace();

    /** The largest number of subjects {@link #generate} accepts: one distinct name each. */
    static final int MAX_SUBJECTS = NAMES.size();

    private final List<String> subjects;
    private final int[][] truth;
    private final List<Completion> facts = new ArrayList<>();
    private final List<Completion> paraphrases = new ArrayList<>();
    private final List<EditRequest> edits = new ArrayList<>();

    private World(List<String> subjects, int[][] truth, Random random) {
        this.subjects = subjects;
        this.truth = truth;
        for (int s = 0; s < subjects.size(); s++) {
            for (int r = 0; r < RELATIONS.size(); r++) {
                String object = object(s, r);
                training(s, r).forEach(prompt -> facts.add(new Completion(prompt, object)));
                paraphrases.add(new Completion(heldOut(s, r), object));
                edits.add(edit(s, r, random));
            }
        }
        Collections.shuffle(edits, random);
    }

    /**
     * Generates the world for {@code seed} with {@code subjects} people: their names, then their true objects,
     * then the counterfactual targets and the order of the edits, all drawn from one {@link Random} seeded
     * with {@code seed}.
     *
     * @throws IllegalArgumentException unless {@code 2 <= subjects <= MAX_SUBJECTS}
     */
    static World generate(long seed, int subjects) {
        if (subjects < 2 || subjects > MAX_SUBJECTS) {
            throw new IllegalArgumentException(
                    "a world needs between 2 and " + MAX_SUBJECTS + " subjects, got " + subjects);
        }
        Random random = new Random(seed);
        List<String> names = new ArrayList<>(NAMES);
        Collections.shuffle(names, random);
        int[][] truth = new int[subjects][RELATIONS.size()];
        for (int[] objects : truth) {
            for (int r = 0; r < objects.length; r++) {
                objects[r] = random.nextInt(RELATIONS.get(r).objects().size());
            }
        }
        return new World(List.copyOf(names.subList(0, subjects)), truth, random);
    }

    /** Every fact in each of its four training phrasings: subjects in order, then relations, then templates. */
    List<Completion> facts() {
        return Collections.unmodifiableList(facts);
    }

    /** Every fact in its held-out phrasing, in the order of {@link #facts()}. */
    List<Completion> paraphrases() {
        return Collections.unmodifiableList(paraphrases);
    }

    /** One counterfactual edit per fact, in a seeded shuffled order. */
    List<EditRequest> edits() {
        return Collections.unmodifiableList(edits);
    }

    /** The number of facts: subjects times relations. */
    int factCount() {
        return subjects.size() * RELATIONS.size();
    }

    /**
     * The edit of fact (s, r): its first training phrasing now answered by another object of the pool. Its
     * rephrases are the held-out phrasing, then the other training phrasings; its locality probes are the next
     * subject's fact of the same relation and the same subject's next relation.
     */
    private EditRequest edit(int s, int r, Random random) {
        Relation relation = RELATIONS.get(r);
        String name = subjects.get(s);
        List<String> training = training(s, r);
        List<String> rephrases = new ArrayList<>();
        rephrases.add(heldOut(s, r));
        rephrases.addAll(training.subList(1, training.size()));
        List<Probe> locality = List.of(probe((s + 1) % subjects.size(), r), probe(s, (r + 1) % RELATIONS.size()));
        return new EditRequest(
                name + "/" + relation.key(),
                training.get(0),
                relation.counterfactual(truth[s][r], random),
                name,
                object(s, r),
                rephrases,
                locality,
                List.of());
    }

    /** Fact (s, r) in its first training phrasing, with its true object. */
    private Probe probe(int s, int r) {
        return new Probe(training(s, r).get(0), object(s, r));
    }

    /** The four training phrasings of fact (s, r), in template order. */
    private List<String> training(int s, int r) {
        List<String> prompts = new ArrayList<>(TEMPLATES - 1);
        for (int t = 0; t < TEMPLATES; t++) {
            if (t != heldOutTemplate(s, r)) {
                prompts.add(RELATIONS.get(r).prompt(t, subjects.get(s)));
            }
        }
        return prompts;
    }

    private String heldOut(int s, int r) {
        return RELATIONS.get(r).prompt(heldOutTemplate(s, r), subjects.get(s));
    }

    private static int heldOutTemplate(int s, int r) {
        return (s + r) % TEMPLATES;
    }

    private String object(int s, int r) {
        return RELATIONS.get(r).objects().get(truth[s][r]);
    }

    /**
     * All names of two or three syllables without a syllable repeated back to back, capitalised, minus any
     * that spell another word of the world.
     */
    private static List<String> nameSpace() {
        Set<String> names = new LinkedHashSet<>();
        for (String first : SYLLABLES) {
            for (String second : SYLLABLES) {
                if (!second.equals(first)) {
                    names.add(first + second);
                    SYLLABLES.stream()
                            .filter(third -> !third.equals(second))
                            .forEach(third -> names.add(first + second + third));
                }
            }
        }
        names.removeAll(words());
        return names.stream()
                .map(name -> Character.toUpperCase(name.charAt(0)) + name.substring(1))
                .toList();
    }

    /** Every word of the relations' templates and object pools, in lower case. */
    private static Set<String> words() {
        return RELATIONS.stream()
                .flatMap(relation -> Stream.concat(relation.templates().stream(), relation.objects().stream()))
                .flatMap(text -> Arrays.stream(text.replace("{s}", " ").split("[^A-Za-z]+")))
                .filter(word -> !word.isEmpty())
                .map(word -> word.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    /**
     * One relation: a short key, five phrasings ending right before the object, with {@code {s}} for the
     * subject, and the pool of single-word objects.
     */
    record Relation(String key, List<String> templates, List<String> objects) {

        /** A relation whose pool is the space-separated {@code objects}. */
        static Relation of(String key, String objects, String... templates) {
            return new Relation(key, List.of(templates), List.of(objects.split(" ")));
        }

        String prompt(int template, String subject) {
            return templates.get(template).replace("{s}", subject);
        }

        /** An object of the pool other than the one at index {@code truth}, drawn uniformly. */
        String counterfactual(int truth, Random random) {
            int other = random.nextInt(objects.size() - 1);
            return objects.get(other < truth ? other : other + 1);
        }
    }
}
