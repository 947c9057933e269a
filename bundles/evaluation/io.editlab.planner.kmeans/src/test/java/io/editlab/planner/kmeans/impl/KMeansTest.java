package io.editlab.planner.kmeans.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KMeansTest {

    /** {@code perBlob} points around each of three far-apart centres, interleaved. */
    static double[][] blobs(int perBlob, long seed) {
        double[][] centres = {{0, 0}, {10, 0}, {0, 10}};
        Random random = new Random(seed);
        double[][] points = new double[3 * perBlob][];
        for (int i = 0; i < points.length; i++) {
            double[] c = centres[i % 3];
            points[i] = new double[] {c[0] + random.nextGaussian(), c[1] + random.nextGaussian()};
        }
        return points;
    }

    @Test
    void findsThreeSeparatedBlobs() {
        KMeans.Clusters clusters = KMeans.cluster(blobs(20, 1), 3, 100, 42);
        int[] a = clusters.assignment();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i % 3], a[i], "point " + i + " belongs with the first point of its blob");
        }
        assertEquals(3, new HashSet<>(Arrays.stream(a).boxed().toList()).size());
        assertArrayEquals(new int[] {20, 20, 20}, clusters.sizes());
    }

    @Test
    void theSameSeedGivesTheSameClustersAndSeedsMatter() {
        double[][] points = new double[200][];
        Random random = new Random(3);
        for (int i = 0; i < points.length; i++) {
            points[i] = random.doubles(8).toArray();
        }
        KMeans.Clusters first = KMeans.cluster(points, 12, 100, 5);
        KMeans.Clusters again = KMeans.cluster(points, 12, 100, 5);
        assertArrayEquals(first.assignment(), again.assignment());
        assertEquals(first.iterations(), again.iterations());
        Set<String> outcomes = new HashSet<>();
        for (long seed = 0; seed < 5; seed++) {
            outcomes.add(Arrays.toString(KMeans.cluster(points, 12, 100, seed).assignment()));
        }
        assertNotEquals(
                1, outcomes.size(), "uniform noise has no single best clustering: seeds lead to different ones");
    }

    @Test
    void kIsCappedByThePointsAndDuplicatesAreFine() {
        double[][] same = {{1, 1}, {1, 1}, {1, 1}};
        KMeans.Clusters clusters = KMeans.cluster(same, 5, 10, 0);
        assertEquals(3, clusters.k());
        assertEquals(3, Arrays.stream(clusters.assignment()).count());
        assertEquals(3, Arrays.stream(clusters.sizes()).sum());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> KMeans.cluster(new double[0][], 2, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> KMeans.cluster(new double[][] {{1}}, 0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> KMeans.cluster(new double[][] {{1}, {1, 2}}, 1, 10, 0));
    }
}
