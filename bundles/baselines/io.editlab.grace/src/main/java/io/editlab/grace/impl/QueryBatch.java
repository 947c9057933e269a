package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link GraceAdapter} saw in one pass at each sequence's query position, published as a
 * {@link io.editlab.api.model.ForwardContext} attribute so that the editor can read an edit
 * prompt's key and the module's own output there.
 *
 * @param keys per sequence, the module's input at its query position, {@code [batch][in]}
 * @param outputs the module's output at the query positions before any replacement, {@code [batch, out]},
 *     owned by the pass's manager
 */
record QueryBatch(float[][] keys, NDArray outputs) {}
