/**
 * The meta-trainers of MALMEN and MEND: {@link io.editlab.api.edit.MetaTrainer} services with {@code
 * editlab.method=malmen} and {@code editlab.method=mend}, their configuration and the meta-training
 * loop of the bundle README's 'Meta-training'. Private implementation.
 */
package io.editlab.malmen.hypernet.impl;
