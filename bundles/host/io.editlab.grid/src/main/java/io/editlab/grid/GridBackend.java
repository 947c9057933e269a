package io.editlab.grid;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs a grid's cells: in this process, on a scheduler, or by writing what a scheduler needs.
 * Registered as a service with {@link #NAME} set to the backend's name ({@code --backend NAME}). A
 * backend does not decide what runs: {@code ./editlab grid run} hands it the cells that are neither
 * finished nor queued, and every job it starts runs {@code bash OUT/run-cell.sh INDEX} (or, in
 * process, the same bench run), which records the outcome in the {@link GridFolder}.
 */
@ConsumerType
public interface GridBackend {

    /** Service property: the backend's name. */
    String NAME = "editlab.grid.backend";

    /** The options it takes ({@code --KEY VALUE} on the command line): key to one line of help. */
    Map<String, String> options();

    /**
     * Runs or submits {@code cells}.
     *
     * @param folder the grid's prepared output folder
     * @param cells the cells to run, in index order
     * @param options the options given, keys among {@link #options()}
     * @return what was submitted (recorded in {@code submissions.json}); a backend that runs the
     *     cells before returning reports them as submitted too
     * @throws IllegalArgumentException for an option it cannot use, with a message naming it
     */
    Submission submit(
            GridFolder folder, List<Integer> cells, Map<String, String> options, PrintStream out, PrintStream err)
            throws Exception;

    /**
     * What the scheduler says of cells of earlier submissions that it still has or remembers:
     * queued or running ones (which must not be submitted again), and, where its accounting
     * keeps them, how ended ones ended.
     *
     * @param cells the cells to ask about (those the folder does not know as finished)
     * @return cell index to the scheduler's state, e.g. {@code PENDING}, {@code RUNNING 0:42},
     *     {@code CANCELLED}; cells it knows nothing about are absent
     */
    default Map<Integer, Scheduled> scheduled(GridFolder folder, Set<Integer> cells) throws IOException {
        return Map.of();
    }

    /**
     * A scheduler's word on one cell.
     *
     * @param state its state in the scheduler's terms
     * @param active true while the cell is queued or running (it is then not submitted again)
     */
    record Scheduled(String state, boolean active) {}
}
