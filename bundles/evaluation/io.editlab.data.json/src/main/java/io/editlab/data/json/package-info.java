/**
 * Streaming reads of JSON data files (one array of record objects) for data-set readers, with
 * errors that name the file, the record and the field ({@link io.editlab.api.data.DatasetException}).
 *
 * <p>Used by the zsRE and CounterFact reader bundles.
 */
@Export
@Version("1.0.0")
package io.editlab.data.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
