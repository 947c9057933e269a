/**
 * The parts MALMEN and MEND share (the bundle's README): the {@link
 * io.editlab.malmen.hypernet.HyperNetwork} (one network per weight shape, told apart by per-module
 * scale and shift, identity at initialisation, inputs normalised by running statistics), the
 * tracing of keys and value gradients at the edited linear modules ({@link
 * io.editlab.malmen.hypernet.KeyTracer}), the aggregation of per-token value differences into one
 * shift per module ({@link io.editlab.malmen.hypernet.NormalEquation} for MALMEN's least squares,
 * summed rank-1 shifts for MEND) with its meta-gradients, weight-layout conversion ({@link
 * io.editlab.malmen.hypernet.Layouts}) and the checkpoint format written by {@code train-hypernet}.
 *
 * <p>Provided by the bundle {@code io.editlab.malmen.hypernet}; used by the MALMEN and MEND editors
 * ({@code io.editlab.malmen}). Every tensor is allocated in a manager the caller passes in.
 */
@Export
@Version("2.0.0")
package io.editlab.malmen.hypernet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
