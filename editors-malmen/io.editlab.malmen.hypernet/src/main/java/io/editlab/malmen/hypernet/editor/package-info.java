/**
 * The editor that applies a meta-trained hyper-network to a session, for MALMEN and MEND alike:
 * {@link io.editlab.malmen.hypernet.editor.HypernetEditor#create} (keys and value gradients traced
 * at the edited modules, the network's outputs aggregated chunk by chunk, one shift per module). The
 * method bundles ({@code io.editlab.malmen}, {@code io.editlab.mend}) register it as their editing
 * method, with {@link io.editlab.malmen.hypernet.editor.HypernetOptions} as their options.
 */
@Export
@Version("2.1.0")
package io.editlab.malmen.hypernet.editor;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
