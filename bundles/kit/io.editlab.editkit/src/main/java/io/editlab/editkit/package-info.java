/**
 * The editor kit: implementation helpers that editors, meta-trainers, the runtime's pretraining and
 * the tools share, kept out of the API (which holds contracts only) and versioned on their own:
 * the {@link io.editlab.editkit.Adam} optimiser, {@link io.editlab.editkit.GuardedSteps} (steps that
 * skip the rare non-finite one), {@link io.editlab.editkit.StateLists} (lists of
 * strings in an editor state's metadata), {@link io.editlab.editkit.Options} (a method's typed
 * options record, read from its configuration and overrides), {@link io.editlab.editkit.ProcessMemory} and {@link
 * io.editlab.editkit.Home} (the data folder).
 */
@Export
@Version("1.4.0")
package io.editlab.editkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
