/**
 * Edit-order planners: reorder an edit stream before it is cut into batches (LEMoE's
 * clustering-based planning). Any editor can be run on a planned order.
 *
 * <p>Implemented by planner bundles; used by harnesses.
 */
@Export
@Version("1.1.0")
package io.editlab.api.plan;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
