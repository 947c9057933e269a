/**
 * GRACE's private implementation: the {@code grace} {@link io.editlab.api.edit.EditMethod} service,
 * its editor, the codebook with its adapter, value training and state format. Exports nothing.
 */
package io.editlab.grace.impl;
