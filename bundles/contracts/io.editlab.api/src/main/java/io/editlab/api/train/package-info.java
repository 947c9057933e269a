/**
 * Training: the {@link io.editlab.api.train.Pretrainer} service that trains EditLab's built-in
 * models from facts, implemented by the runtime bundle. (The optimiser editors share is an
 * implementation, in the editor kit {@code io.editlab.editkit}.)
 */
@Export
@Version("2.0.0")
package io.editlab.api.train;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
