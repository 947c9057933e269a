package io.editlab.harness;

import java.util.Objects;

/**
 * How a lifelong-editing comparison is run and scored. Every number in a report is labelled with it.
 *
 * @param edits T: how many edit requests to apply (the first T after ordering)
 * @param batchSize b: edits per {@code apply} call
 * @param order how the requests are ordered before the first T are taken
 * @param planner the edit-order planner's id when {@code order} is {@link Order#PLANNED}, else null
 * @param seed for shuffling and planning
 * @param evaluation when the final numbers are measured
 * @param checkpointEvery also evaluate all edits so far every this many edits (0: never), for curves
 * @param generation also score by free greedy generation (slower), besides teacher forcing
 */
public record Protocol(int edits, int batchSize, Order order, String planner, long seed, Evaluation evaluation,
        int checkpointEvery, boolean generation) {

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
     * A protocol from the words a command line or a request uses.
     *
     * @param order {@code file}, {@code shuffle} or {@code plan:PLANNER}
     * @param evaluation {@code final} or {@code each}
     * @throws IllegalArgumentException naming the setting that is wrong
     */
    public static Protocol of(int edits, int batchSize, String order, String evaluation, long seed,
            int checkpointEvery, boolean generation) {
        Evaluation when = switch (String.valueOf(evaluation)) {
            case "final" -> Evaluation.FINAL;
            case "each" -> Evaluation.EACH;
            default -> throw new IllegalArgumentException("eval must be final or each, not '" + evaluation + "'");
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
        return new Protocol(edits, batchSize, kind, planner, seed, when, checkpointEvery, generation);
    }

    public Protocol {
        if (edits < 1 || batchSize < 1 || checkpointEvery < 0) {
            throw new IllegalArgumentException("need edits >= 1, batchSize >= 1 and checkpointEvery >= 0");
        }
        Objects.requireNonNull(order, "order");
        Objects.requireNonNull(evaluation, "evaluation");
        if (order == Order.PLANNED && (planner == null || planner.isBlank())) {
            throw new IllegalArgumentException("a planned order needs a planner");
        }
    }
}
