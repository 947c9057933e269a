/**
 * The model runtime: one loaded, frozen copy of each base model, shared by many {@link
 * io.editlab.api.model.EditSession edit sessions}. Each session sees the base weights plus its own
 * overlays (weight deltas, adapters at hook points), so several editing methods can be compared on
 * the same weights in one process.
 *
 * <p>Implemented by the runtime bundle ({@code io.editlab.runtime}); used by editors, metrics and
 * hosts. Tensors cross this boundary only as DJL API types owned by a manager the caller controls.
 */
@Export
@Version("1.4.0")
package io.editlab.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
