/**
 * Auxiliary training losses that editors add to the language-model loss (ELDER's guided loss),
 * each a service so it can be replaced without touching the editor.
 *
 * <p>Implemented by loss bundles; used by editors, which select one by {@link
 * io.editlab.api.loss.Loss#NAME}.
 */
@Export
@Version("1.1.0")
package io.editlab.api.loss;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
