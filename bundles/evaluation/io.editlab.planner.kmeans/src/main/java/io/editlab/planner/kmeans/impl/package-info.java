/**
 * LEMoE's clustering-based edit-order planner, registered as {@code editlab.planner=kmeans}: k-means
 * over the edits' mean input embeddings (the bundle's README). Private implementation: the bundle exports
 * nothing and registers an {@link io.editlab.api.plan.EditOrderPlanner} service.
 */
package io.editlab.planner.kmeans.impl;
