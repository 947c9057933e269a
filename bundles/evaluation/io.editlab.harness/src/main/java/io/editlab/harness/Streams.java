package io.editlab.harness;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Probe;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edit streams made from a data set's requests beyond its own order: re-editing, where facts change
 * again over the stream, as they do in a long-lived model.
 */
public final class Streams {

    private Streams() {}

    /** The stream specifications {@link #of} reads: {@code reedit:K} and {@code reedit:K:F}. */
    public static final String SPECIFICATIONS = "reedit:K (every fact edited K times) or reedit:K:F (the first F facts"
            + " edited K times, the others kept as locality probes)";

    private static final Pattern SPEC = Pattern.compile("reedit:(\\d{1,4})(?::(\\d{1,9}))?");

    /**
     * The stream a specification describes over a data set's {@code requests}: {@code reedit:K} is
     * {@link #reedit(List, int, long) reedit(requests, K, seed)}, {@code reedit:K:F} is {@link
     * #reedit(List, int, int, long) reedit(requests, K, F, seed)}.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code spec}, or why the requests
     *     cannot form that stream
     */
    public static List<EditRequest> of(String spec, List<EditRequest> requests, long seed) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("a stream must be " + SPECIFICATIONS + ", not '" + spec + "'");
        }
        int times = Integer.parseInt(m.group(1));
        return m.group(2) == null
                ? reedit(requests, times, seed)
                : reedit(requests, times, Integer.parseInt(m.group(2)), seed);
    }

    /**
     * Every request edited {@code times} times, round after round: round 1 is the requests as given,
     * round r edits every fact again, in the same order, to a new target. A fact's new targets are
     * drawn with {@code seed} from the answers of its kind: the targets and true answers of the
     * requests linked to it by sharing an answer (directly or through others; in a world or
     * CounterFact, the objects of one relation); its true answer and the targets it had are never
     * drawn again. A re-edit keeps the request's id, prompt, rephrasings and locality probes and
     * drops its portability probes (they were the consequences of the first target); evaluation
     * counts each fact once, with its latest target ({@link #latest}).
     *
     * @throws IllegalArgumentException when {@code times < 1}, or a request's kind has too few answers
     *     for {@code times} targets (naming the request)
     */
    public static List<EditRequest> reedit(List<EditRequest> requests, int times, long seed) {
        return rounds(requests, requests, times, seed);
    }

    /**
     * Re-editing of the first {@code facts} requests only ({@link #reedit(List, int, long)}); the
     * others are never edited (their answers still count for the kinds) and become locality probes: each streamed fact gets, besides its own
     * locality probes, one outside fact with its true answer (the outside facts taken in turn), so
     * that locality stays measurable when a stream edits a fact's neighbours too. Outside requests
     * without a true answer are not used.
     *
     * @throws IllegalArgumentException when {@code facts} is not between 1 and the number of requests,
     *     or as {@link #reedit(List, int, long)}
     */
    public static List<EditRequest> reedit(List<EditRequest> requests, int times, int facts, long seed) {
        if (facts < 1 || facts > requests.size()) {
            throw new IllegalArgumentException(
                    "the facts to re-edit must be between 1 and the " + requests.size() + " of the data, not " + facts);
        }
        List<Probe> outside = requests.subList(facts, requests.size()).stream()
                .filter(r -> r.groundTruth() != null)
                .map(r -> new Probe(r.prompt(), r.groundTruth()))
                .toList();
        List<EditRequest> streamed = new ArrayList<>(facts);
        for (int i = 0; i < facts; i++) {
            EditRequest r = requests.get(i);
            List<Probe> locality = new ArrayList<>(r.locality());
            if (!outside.isEmpty()) {
                locality.add(outside.get(i % outside.size()));
            }
            streamed.add(new EditRequest(
                    r.id(),
                    r.prompt(),
                    r.target(),
                    r.subject(),
                    r.groundTruth(),
                    r.rephrases(),
                    locality,
                    r.portability()));
        }
        return rounds(streamed, requests, times, seed);
    }

    /** {@code requests} in {@code times} rounds, new targets drawn from the answers of kinds in {@code data}. */
    private static List<EditRequest> rounds(List<EditRequest> requests, List<EditRequest> data, int times, long seed) {
        if (times < 1) {
            throw new IllegalArgumentException("re-editing needs each fact edited at least once, not " + times);
        }
        Map<String, List<String>> kinds = answersByKind(data);
        List<List<String>> targets = new ArrayList<>();
        for (EditRequest request : requests) {
            List<String> candidates = new ArrayList<>(kinds.get(request.target()));
            candidates.remove(request.target());
            candidates.remove(request.groundTruth());
            if (candidates.size() < times - 1) {
                throw new IllegalArgumentException("record " + request.id() + " cannot be re-edited " + times
                        + " times: its answers of the same kind are " + kinds.get(request.target()));
            }
            Collections.shuffle(
                    candidates, new Random(seed * 1_000_003L + request.id().hashCode()));
            List<String> mine = new ArrayList<>();
            mine.add(request.target());
            mine.addAll(candidates.subList(0, times - 1));
            targets.add(mine);
        }
        List<EditRequest> stream = new ArrayList<>(requests.size() * times);
        for (int round = 0; round < times; round++) {
            for (int i = 0; i < requests.size(); i++) {
                EditRequest r = requests.get(i);
                stream.add(
                        round == 0
                                ? r
                                : new EditRequest(
                                        r.id(),
                                        r.prompt(),
                                        targets.get(i).get(round),
                                        r.subject(),
                                        r.groundTruth(),
                                        r.rephrases(),
                                        r.locality(),
                                        List.of()));
            }
        }
        return stream;
    }

    /**
     * The latest request of each fact (by id) in {@code applied}, in the order in which those latest
     * requests were applied: what is scored after a stream that edits facts again.
     */
    public static List<EditRequest> latest(List<EditRequest> applied) {
        Map<String, EditRequest> last = new LinkedHashMap<>();
        for (EditRequest request : applied) {
            last.remove(request.id());
            last.put(request.id(), request);
        }
        return last.size() == applied.size() ? applied : List.copyOf(last.values());
    }

    /** The answers of each answer's kind: answers linked by appearing in one request, sorted. */
    private static Map<String, List<String>> answersByKind(List<EditRequest> requests) {
        Map<String, String> parent = new HashMap<>();
        for (EditRequest r : requests) {
            String target = find(parent, r.target());
            if (r.groundTruth() != null) {
                parent.put(target, find(parent, r.groundTruth()));
            }
        }
        Map<String, TreeSet<String>> members = new HashMap<>();
        for (String answer : new ArrayList<>(parent.keySet())) {
            members.computeIfAbsent(find(parent, answer), k -> new TreeSet<>()).add(answer);
        }
        Map<String, List<String>> kinds = new HashMap<>();
        for (String answer : parent.keySet()) {
            kinds.put(answer, List.copyOf(members.get(find(parent, answer))));
        }
        return kinds;
    }

    /** The representative of {@code answer}'s kind (union-find with path halving). */
    private static String find(Map<String, String> parent, String answer) {
        parent.putIfAbsent(answer, answer);
        String x = answer;
        while (!parent.get(x).equals(x)) {
            parent.put(x, parent.get(parent.get(x)));
            x = parent.get(x);
        }
        return x;
    }
}
