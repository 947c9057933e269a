package io.editlab.grid;

import java.util.List;

/**
 * Cells handed to a backend at once, as {@code submissions.json} records them.
 *
 * @param backend the backend's name
 * @param job the scheduler's id for them (a Slurm array job id, a Kubernetes Job name, {@code local})
 * @param cells the cell indices
 * @param submitted when, ISO-8601
 */
public record Submission(String backend, String job, List<Integer> cells, String submitted) {

    public Submission {
        cells = List.copyOf(cells);
    }
}
