package io.editlab.api.train;

import java.nio.file.Path;

/**
 * What a pretraining run produced.
 *
 * @param output the model folder written
 * @param parameters scalar weights of the model
 * @param vocabulary tokens in its vocabulary
 * @param epochs passes over the facts made
 * @param exactMatch fraction of the facts answered exactly (teacher forced) at the end
 * @param seconds wall time
 */
public record PretrainingReport(
        Path output, long parameters, int vocabulary, int epochs, double exactMatch, double seconds) {}
