/**
 * MALMEN and MEND as EditLab methods ({@code editlab.method=malmen}, {@code editlab.method=mend}):
 * the editors that apply a hyper-network trained by {@code train-hypernet} to a session's weights.
 * Algorithm: the bundle's README. Private implementation; the bundle exports nothing and
 * registers two {@link io.editlab.api.edit.EditMethod} services.
 */
package io.editlab.malmen.impl;
