/**
 * The host's view of installed plugins: which editing methods, routers, losses, metrics, data-set
 * readers, planners and meta-trainers are available right now, from which bundle and version.
 * Bundles come and go at runtime; the catalog always reflects the current state.
 *
 * <p>Implemented by the host bundle ({@code io.editlab.host}); used by shells, harnesses and HTTP
 * front ends.
 */
@Export
@Version("2.2.0")
package io.editlab.api.host;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
