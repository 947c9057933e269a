/**
 * Training: the Adam optimiser that editors and trainers share, and the {@link
 * io.editlab.api.train.Pretrainer} service that trains EditLab's built-in models from facts.
 *
 * <p>{@code Adam} is a concrete class used by editor bundles; {@code Pretrainer} is implemented by
 * the runtime bundle.
 */
@Export
@Version("1.0.0")
package io.editlab.api.train;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
