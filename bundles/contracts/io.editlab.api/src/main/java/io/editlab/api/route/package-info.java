/**
 * Routers: choose which experts (LoRAs, FFN experts) handle an input. A router is a stateless
 * function of the input's query vector and the editor's routing weights, so a lab can swap the
 * routing rule by replacing one bundle while the editor keeps its trained weights.
 *
 * <p>Implemented by router bundles ({@code io.editlab.elder.router}, {@code io.editlab.lemoe.router});
 * used by editors, which select one by the service property {@link io.editlab.api.route.Router#NAME}.
 */
@Export
@Version("1.1.0")
package io.editlab.api.route;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
