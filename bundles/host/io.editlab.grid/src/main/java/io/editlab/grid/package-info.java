/**
 * Experiment grids. A {@link io.editlab.grid.GridFile} lists editors, named setting variants,
 * models, data sets, stream lengths, batch sizes, evaluation protocols and seeds; their product is
 * the grid's {@link io.editlab.grid.Cell}s, each one {@code ./editlab bench} run of one editor with
 * a stable index. A {@link io.editlab.grid.GridFolder} is the output folder: it remembers which
 * cells finished, so that a grid is resumable and a finished cell never runs again. A {@link
 * io.editlab.grid.GridBackend} runs cells (this bundle registers {@code local}, {@code slurm} and
 * {@code k8s}; any bundle can add one), and {@link io.editlab.grid.GridReport} merges the finished
 * cells into one report with means and standard deviations over seeds.
 */
@Export
@Version("1.1.0")
package io.editlab.grid;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
