/**
 * Key statistics of a model's MLP projections: the second moment {@code C = E[k k^T]} of the input
 * of a block's MLP output projection over a text corpus ({@link io.editlab.keystats.KeyStatistics}),
 * cached on disk with its provenance and reused ({@link io.editlab.keystats.KeyCache}), and its
 * eigen-decomposition ({@link io.editlab.keystats.Spectrum}): what locate-then-edit editors (MEMIT,
 * AlphaEdit) need, and what says whether a model's key space still has room (a null space).
 */
@Export
@Version("1.0.0")
package io.editlab.keystats;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
