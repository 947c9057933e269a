/**
 * MEND as an EditLab method ({@code editlab.method=mend}): the editing method and the
 * meta-trainer, built from MALMEN's parts ({@code io.editlab.malmen.hypernet}) as MALMEN's
 * repository builds its MEND baseline. Algorithm: the bundle's README. Private implementation; the
 * bundle exports nothing of its own.
 */
package io.editlab.mend.impl;
