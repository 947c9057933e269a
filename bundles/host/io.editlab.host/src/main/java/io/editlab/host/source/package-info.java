/**
 * Where a host's edit data and plugins come from: data files read by the installed readers
 * ({@link io.editlab.host.source.Facts}), the built-in world of a given size ({@link
 * io.editlab.host.source.Worlds}, 1.1.0: {@code builtin:N}) and plugin lookups that wait for bundles
 * still starting ({@link io.editlab.host.source.Plugins}). Shared by the command line and the HTTP
 * host.
 */
@Export
@Version("1.1.0")
package io.editlab.host.source;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
