/**
 * MALMEN as an EditLab method ({@code editlab.method=malmen}): the editing method and the
 * meta-trainer, both built on the hyper-network library {@code io.editlab.malmen.hypernet}.
 * Algorithm: the bundle's README. Private implementation; the bundle exports nothing of its own.
 */
package io.editlab.malmen.impl;
