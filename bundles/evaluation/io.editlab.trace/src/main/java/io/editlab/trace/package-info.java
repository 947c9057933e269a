/**
 * Causal tracing of a loaded model ({@link io.editlab.trace.CausalTrace}): where it recalls its
 * facts, by component (hidden state, MLP, attention), block and token, with the report it writes
 * ({@link io.editlab.trace.TraceResult}: a table, {@code trace.json} and a heat-map page).
 */
@Export
@Version("1.0.0")
package io.editlab.trace;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
