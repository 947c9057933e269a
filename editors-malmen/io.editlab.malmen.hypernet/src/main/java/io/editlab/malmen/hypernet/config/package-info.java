/**
 * The configuration of MALMEN's and MEND's editors ({@link
 * io.editlab.malmen.hypernet.config.EditorConfig}) and meta-trainers ({@link
 * io.editlab.malmen.hypernet.config.TrainerConfig}): one definition of the keys, which each method
 * bundle designates for its own PIDs. bnd generates metatype only from classes inside the bundle
 * being built, so the method bundles copy this package in ({@code -conditionalpackage}); it is
 * exported substitutably (exported and imported), so that the framework wires every bundle to one
 * copy and the types stay the same class everywhere.
 */
@Export(substitution = Export.Substitution.CONSUMER)
@Version("1.0.0")
package io.editlab.malmen.hypernet.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
