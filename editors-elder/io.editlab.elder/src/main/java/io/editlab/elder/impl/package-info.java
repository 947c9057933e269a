/**
 * ELDER (Li et al., "Enhancing Lifelong Model Editing with Mixture-of-LoRA", AAAI 2025) as an
 * EditLab method ({@code editlab.method=elder}): a mixture of LoRAs behind per-layer routers at L
 * feed-forward modules, trained with a guided loss towards per-label allocations, with Hamming-distance
 * deferral to the base model. Algorithm: the bundle's README. Private implementation; the bundle
 * exports nothing and registers an {@link io.editlab.api.edit.EditMethod} service.
 */
package io.editlab.elder.impl;
