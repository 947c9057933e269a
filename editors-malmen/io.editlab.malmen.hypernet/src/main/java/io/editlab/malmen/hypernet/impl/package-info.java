/**
 * The meta-trainers of MALMEN and MEND: {@link io.editlab.api.edit.MetaTrainer} services with {@code
 * editlab.method=malmen} and {@code editlab.method=mend}, their configuration and the meta-training
 * loop of methods.md 2.6. Private implementation.
 */
package io.editlab.malmen.hypernet.impl;
