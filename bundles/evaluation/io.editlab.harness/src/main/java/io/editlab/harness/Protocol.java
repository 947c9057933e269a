package io.editlab.harness;

import io.editlab.api.edit.EditRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a lifelong-editing comparison is run and scored. Every number in a report is labelled with it.
 *
 * @param edits T: how many edit requests to apply (the first T after ordering)
 * @param batchSize b: edits per {@code apply} call (with their streamed rephrasings, if any)
 * @param order how the requests are ordered before the first T are taken
 * @param planner the edit-order planner's id when {@code order} is {@link Order#PLANNED}, else null
 * @param seed for shuffling and planning
 * @param evaluation when the final numbers are measured
 * @param checkpointEvery also evaluate all edits so far every this many edits (0: never), for curves
 * @param generation also score by free greedy generation (slower), besides teacher forcing
 * @param rephrasings whether some of each edit's rephrasings are edited along with it
 * @param curves what a checkpoint scores in a long stream, and where locality counts as collapsed
 */
public record Protocol(
        int edits,
        int batchSize,
        Order order,
        String planner,
        long seed,
        Evaluation evaluation,
        int checkpointEvery,
        boolean generation,
        Rephrasings rephrasings,
        Curves curves) {

    /** A protocol whose checkpoints score every edit so far ({@link Curves#ALL}). */
    public Protocol(
            int edits,
            int batchSize,
            Order order,
            String planner,
            long seed,
            Evaluation evaluation,
            int checkpointEvery,
            boolean generation,
            Rephrasings rephrasings) {
        this(edits, batchSize, order, planner, seed, evaluation, checkpointEvery, generation, rephrasings, Curves.ALL);
    }

    /** This protocol with other {@code curves}. */
    public Protocol withCurves(Curves curves) {
        return new Protocol(
                edits, batchSize, order, planner, seed, evaluation, checkpointEvery, generation, rephrasings, curves);
    }

    /**
     * What a checkpoint scores: the batch just edited (its values as {@code batch_<metric>}) and the
     * facts edited so far, all of them or, in a long stream, a fixed random sample (the same facts at
     * every checkpoint, drawn with the protocol's seed; their locality probes and held-out
     * rephrasings with them), so that a curve costs the same at its last point as at its first. The
     * final evaluation always scores every fact.
     *
     * @param sample at most this many earlier facts at a checkpoint; 0 for all
     * @param collapseFloor the locality below which an editor counts as collapsed: its report gives
     *     the first checkpoint's edit count at which locality fell below it ({@code
     *     locality_collapse_at}), or nothing when it never did
     */
    public record Curves(int sample, double collapseFloor) {

        /** Every earlier fact at every checkpoint; collapse below locality 0.5. */
        public static final Curves ALL = new Curves(0, 0.5);

        public Curves {
            if (sample < 0) {
                throw new IllegalArgumentException("the curve sample must be 0 (all) or more, not " + sample);
            }
            if (!(collapseFloor >= 0 && collapseFloor <= 1)) {
                throw new IllegalArgumentException("the collapse floor must be in [0, 1], not " + collapseFloor);
            }
        }
    }

    /** The order of the edit stream. */
    public enum Order {
        /** As the data set lists them. */
        FILE,
        /** Shuffled with the seed. */
        SHUFFLE,
        /** As an edit-order planner arranges them. */
        PLANNED
    }

    /** When the final numbers are measured. */
    public enum Evaluation {
        /** Once, on the model after all T edits, over all T edits (ELDER, WISE, LEMoE). */
        FINAL,
        /** Right after each batch, over that batch; the final numbers average the batches. */
        EACH
    }

    /**
     * What becomes of each edit's rephrasings. The edits themselves (T of them, {@code batchSize} per call)
     * are always what is scored for reliability, locality and retention; generalization is scored on the
     * rephrasings that are held out.
     */
    public enum Rephrasings {
        /** All are held out: the editor sees only the edit prompt. */
        HELD_OUT,
        /**
         * The first half of an edit's rephrasings (rounded down) is edited in the same {@code apply} call as
         * the edit, each as a request of its own with the edit's target; the second half is held out. This is
         * MELO's split of zsRE that ELDER's paper uses (the root README, 'Protocol and metrics'); an edit with one rephrasing keeps it
         * held out.
         */
        STREAM_HALF;

        /** The word a command line or a request uses for this choice. */
        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * The choice a word names.
         *
         * @throws IllegalArgumentException unless the word is {@code held-out} or {@code stream-half}
         */
        public static Rephrasings of(String word) {
            for (Rephrasings r : values()) {
                if (r.word().equals(word)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("rephrasings must be held-out or stream-half, not '" + word + "'");
        }

        /** How many of {@code edit}'s rephrasings are edited with it. */
        private int streamed(EditRequest edit) {
            return this == STREAM_HALF ? edit.rephrases().size() / 2 : 0;
        }

        /**
         * What an editor is given for these edits: each edit, followed by its streamed rephrasings as requests
         * with ids {@code ID/rephrase-1, ...}, the same target, subject and true answer, and no probes.
         */
        public List<EditRequest> edited(List<EditRequest> edits) {
            List<EditRequest> requests = new ArrayList<>();
            for (EditRequest edit : edits) {
                requests.add(edit);
                List<String> rephrases = edit.rephrases();
                for (int i = 0; i < streamed(edit); i++) {
                    requests.add(new EditRequest(
                            edit.id() + "/rephrase-" + (i + 1),
                            rephrases.get(i),
                            edit.target(),
                            edit.subject(),
                            edit.groundTruth(),
                            List.of(),
                            List.of(),
                            List.of()));
                }
            }
            return requests;
        }

        /** The edits as they are scored: with only their held-out rephrasings. */
        public List<EditRequest> scored(List<EditRequest> edits) {
            return edits.stream()
                    .map(edit -> streamed(edit) == 0
                            ? edit
                            : new EditRequest(
                                    edit.id(),
                                    edit.prompt(),
                                    edit.target(),
                                    edit.subject(),
                                    edit.groundTruth(),
                                    edit.rephrases()
                                            .subList(
                                                    streamed(edit),
                                                    edit.rephrases().size()),
                                    edit.locality(),
                                    edit.portability()))
                    .toList();
        }
    }

    /**
     * A protocol from the words a command line or a request uses.
     *
     * @param order {@code file}, {@code shuffle} or {@code plan:PLANNER}
     * @param evaluation {@code final} or {@code each}
     * @param rephrasings {@code held-out} or {@code stream-half}
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static Protocol of(
            int edits,
            int batchSize,
            String order,
            String evaluation,
            long seed,
            int checkpointEvery,
            boolean generation,
            String rephrasings) {
        Evaluation when =
                switch (String.valueOf(evaluation)) {
                    case "final" -> Evaluation.FINAL;
                    case "each" -> Evaluation.EACH;
                    default -> throw new IllegalArgumentException(
                            "eval must be final or each, not '" + evaluation + "'");
                };
        String planner = null;
        Order kind;
        if ("file".equals(order)) {
            kind = Order.FILE;
        } else if ("shuffle".equals(order)) {
            kind = Order.SHUFFLE;
        } else if (order != null && order.startsWith("plan:") && order.length() > 5) {
            kind = Order.PLANNED;
            planner = order.substring(5);
        } else {
            throw new IllegalArgumentException("order must be file, shuffle or plan:PLANNER, not '" + order + "'");
        }
        return new Protocol(
                edits, batchSize, kind, planner, seed, when, checkpointEvery, generation, Rephrasings.of(rephrasings));
    }

    public Protocol {
        if (edits < 1 || batchSize < 1 || checkpointEvery < 0) {
            throw new IllegalArgumentException("need edits >= 1, batchSize >= 1 and checkpointEvery >= 0");
        }
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(rephrasings, "rephrasings");
        Objects.requireNonNull(curves, "curves");
        if (order == Order.PLANNED && (planner == null || planner.isBlank())) {
            throw new IllegalArgumentException("a planned order needs a planner");
        }
    }
}
