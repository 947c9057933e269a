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
