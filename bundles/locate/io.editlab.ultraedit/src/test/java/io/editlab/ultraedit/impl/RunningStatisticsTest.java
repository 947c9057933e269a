package io.editlab.ultraedit.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RunningStatisticsTest {

    @Test
    void batchByBatchEqualsAllAtOnceEvenWithSingleRows() {
        Random random = new Random(3);
        float[] all = new float[7 * 3];
        for (int i = 0; i < all.length; i++) {
            all[i] = (float) (random.nextGaussian() * 2 + 1);
        }
        RunningStatistics once = new RunningStatistics(3);
        once.update(all);
        RunningStatistics parts = new RunningStatistics(3);
        parts.update(java.util.Arrays.copyOfRange(all, 0, 3)); // one row: the official formula's NaN case
        parts.update(java.util.Arrays.copyOfRange(all, 3, 12));
        parts.update(java.util.Arrays.copyOfRange(all, 12, 21));
        assertArrayEquals(once.toArray(), parts.toArray(), 1e-9);
        assertEquals(7, parts.count());

        // normalised columns have mean 0 and sample standard deviation 1
        float[] normalised = parts.normalise(all);
        for (int j = 0; j < 3; j++) {
            double mean = 0;
            double squares = 0;
            for (int r = 0; r < 7; r++) {
                mean += normalised[r * 3 + j] / 7.0;
            }
            for (int r = 0; r < 7; r++) {
                squares += Math.pow(normalised[r * 3 + j] - mean, 2);
            }
            assertEquals(0, mean, 1e-5);
            assertEquals(1, Math.sqrt(squares / 6), 1e-5);
        }
    }
}
