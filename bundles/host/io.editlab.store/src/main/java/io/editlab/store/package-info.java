/**
 * The evaluation host's persistent records: comparison runs (spec, status, checkpoints, each
 * editor's report and resume point, results) and interactive sessions (the editor's complete
 * options, the journal of applied batches, named snapshots). Documents are kept as JSON text; the
 * tables are versioned by migrations. Models loaded through the API are listed so that a restarted
 * host loads them again.
 */
@Export
@Version("1.1.0")
package io.editlab.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
