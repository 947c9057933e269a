/**
 * The lifelong-editing harness: a {@link io.editlab.harness.Harness} runs several editing methods
 * side by side, each in its own session on one loaded base model, under a {@link
 * io.editlab.harness.Protocol}, and reports every installed metric at checkpoints and at the end
 * ({@link io.editlab.harness.RunReport}, written by {@link io.editlab.harness.Reports}).
 *
 * <p>Implemented by this bundle; used by command lines and HTTP hosts.
 */
@Export
@Version("3.1.0")
package io.editlab.harness;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
