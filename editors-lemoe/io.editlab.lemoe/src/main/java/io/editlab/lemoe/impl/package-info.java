/**
 * LEMoE (Wang and Li, "LEMoE: Advanced Mixture of Experts Adaptor for Lifelong Model Editing of Large
 * Language Models", EMNLP 2024) as an EditLab method ({@code editlab.method=lemoe}): a bypass mixture
 * of experts at one feed-forward sub-layer, one expert with its own anchor key and value projection
 * per edit batch, earlier experts frozen, top-1 KV-anchor routing from the mean input embedding of
 * the prompt, computed the same way in training and inference. Algorithm: the bundle's README.
 * Private implementation; the bundle exports nothing and registers an {@link
 * io.editlab.api.edit.EditMethod} service.
 */
package io.editlab.lemoe.impl;
