/**
 * FT-L's private implementation: the {@code ft-l} {@link io.editlab.api.edit.EditMethod} service, its
 * configuration and the editor that fine-tunes one MLP projection of a session under an L-infinity
 * constraint. Exports nothing.
 */
package io.editlab.ftl.impl;
