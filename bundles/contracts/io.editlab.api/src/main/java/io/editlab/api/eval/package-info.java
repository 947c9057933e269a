/**
 * Evaluation metrics: reliability, generalization, locality, retention, portability, fluency,
 * cost. Each metric is a service that scores an edited session against its base model.
 *
 * <p>Implemented by metric bundles; used by harnesses and hosts.
 */
@Export
@Version("1.2.0")
package io.editlab.api.eval;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
