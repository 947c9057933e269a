/**
 * Meta-training of a hyper-network (the bundle README's 'Meta-training'): {@link
 * io.editlab.malmen.hypernet.training.VariantTrainer}, the {@link io.editlab.api.edit.MetaTrainer}
 * of one variant, which the method bundles register with their own configuration PID.
 */
@Export
@Version("1.0.0")
package io.editlab.malmen.hypernet.training;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
