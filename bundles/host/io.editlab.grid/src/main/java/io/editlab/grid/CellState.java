package io.editlab.grid;

/** What a grid's output folder says of a cell (a backend may know more: queued, running). */
public enum CellState {
    /** Ran to the end with exit code 0: its {@code done} marker exists. It never runs again. */
    FINISHED,
    /** Ran to the end with a non-zero exit code (an editor failed, or the run did). */
    FAILED,
    /** Never ran, or is running, or was killed before it could say how it ended. */
    UNFINISHED
}
