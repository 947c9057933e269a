/**
 * Editing methods and what they edit. An {@link io.editlab.api.edit.EditMethod} service (one per
 * method bundle: ELDER, LEMoE, MALMEN, baselines) creates an {@link io.editlab.api.edit.Editor} for
 * one {@link io.editlab.api.model.EditSession}; the editor applies batches of {@link
 * io.editlab.api.edit.EditRequest}s to that session only. Methods that need a one-off preparation
 * (MALMEN's meta-trained hyper-network) also register a {@link io.editlab.api.edit.MetaTrainer}.
 *
 * <p>Implemented by method bundles; used by hosts and harnesses.
 */
@Export
@Version("2.0.0")
package io.editlab.api.edit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
