package io.editlab.metric.fluency.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FluencyMetricTest {

    @Test
    void entropyOfKnownNgramCounts() {
        // bigrams: (a b) twice, (b a) once: H = -(2/3 log2 2/3 + 1/3 log2 1/3)
        double expected = -(2.0 / 3 * Math.log(2.0 / 3) + 1.0 / 3 * Math.log(1.0 / 3)) / Math.log(2);
        assertEquals(expected, FluencyMetric.entropy(List.of("a", "b", "a", "b"), 2), 1e-12);
        assertEquals(2.0, FluencyMetric.entropy(List.of("w", "x", "y", "z", "v"), 2), 1e-12, "4 distinct bigrams");
        assertEquals(0.0, FluencyMetric.entropy(List.of("a"), 2));
    }

    @Test
    void repetitionScoresLowerThanVariety() {
        double repetitive = FluencyMetric.weightedEntropy("the the the the the the the the");
        double varied = FluencyMetric.weightedEntropy("the capital of France is Paris , a city on the Seine");
        assertEquals(0.0, repetitive, 1e-12);
        assertTrue(varied > 2.5, "varied text: " + varied);
    }

    @Test
    void wordsAndPunctuationAreSeparateTokens() {
        assertEquals(List.of("Paris", ",", "France", "."), FluencyMetric.words(" Paris, France."));
    }
}
