/**
 * The evaluation host's persistent records: comparison runs (spec, status, checkpoints, each
 * editor's report and resume point, results) and interactive sessions (configuration, the journal
 * of applied batches, named snapshots). Documents are kept as JSON text; the tables are versioned
 * by migrations.
 */
@Export
@Version("1.0.0")
package io.editlab.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
