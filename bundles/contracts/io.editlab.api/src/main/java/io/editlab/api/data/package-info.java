/**
 * Readers of edit data sets (zsRE, CounterFact, synthetic worlds) into {@link
 * io.editlab.api.edit.EditRequest}s.
 *
 * <p>Implemented by dataset bundles; used by harnesses and hosts, which pick a reader by {@link
 * io.editlab.api.data.DatasetReader#FORMAT}.
 */
@Export
@Version("1.3.0")
package io.editlab.api.data;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
