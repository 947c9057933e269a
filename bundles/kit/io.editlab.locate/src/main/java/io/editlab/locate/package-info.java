/**
 * The locate-then-edit kit: what ROME, MEMIT and AlphaEdit share. A fact is edited at its <em>site</em>
 * (a token of its prompt: the subject's last token, or the prompt's last token, {@link
 * io.editlab.locate.KeyPosition}); the <em>key</em> is the input of a block's MLP output projection
 * there ({@link io.editlab.locate.Readout}), the <em>target value</em> is the hidden state that makes
 * the model say the new object ({@link io.editlab.locate.TargetValues}), and the weight update that
 * maps keys to values is a closed form ({@link io.editlab.locate.ClosedForms}) chosen by each method's
 * {@link io.editlab.locate.UpdateRule}. {@link io.editlab.locate.LocateEditor} runs the whole
 * procedure over a range of layers; the algorithm is described in this bundle's README.
 */
@Export
@Version("2.0.0")
package io.editlab.locate;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
