package io.editlab.planner.kmeans.impl;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded k-means (Lloyd's iterations after k-means++ seeding) over dense points, in double
 * precision. The same points, k and seed always give the same clusters: every random choice comes
 * from one {@link Random} seeded with the seed, and ties go to the lower index.
 */
final class KMeans {

    /**
     * @param assignment each point's cluster, 0 to k - 1
     * @param k the number of clusters (at most the number of points)
     * @param iterations the Lloyd iterations run (fewer than asked when the assignment settled)
     */
    record Clusters(int[] assignment, int k, int iterations) {
        /** How many points each cluster has. */
        int[] sizes() {
            int[] sizes = new int[k];
            for (int c : assignment) {
                sizes[c]++;
            }
            return sizes;
        }
    }

    private KMeans() {}

    /**
     * Clusters {@code points} into {@code min(k, points.length)} clusters.
     *
     * @throws IllegalArgumentException when there are no points, k is below 1, or the points differ in width
     */
    static Clusters cluster(double[][] points, int k, int maxIterations, long seed) {
        if (points.length == 0 || k < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("need points, k >= 1 and maxIterations >= 1");
        }
        int width = points[0].length;
        for (double[] p : points) {
            if (p.length != width) {
                throw new IllegalArgumentException("points differ in width: " + width + " and " + p.length);
            }
        }
        int clusters = Math.min(k, points.length);
        double[][] centres = seed(points, clusters, new Random(seed));
        int[] assignment = new int[points.length];
        Arrays.fill(assignment, -1);
        int iteration = 0;
        while (iteration < maxIterations) {
            iteration++;
            boolean changed = false;
            for (int i = 0; i < points.length; i++) {
                int nearest = nearest(points[i], centres);
                if (nearest != assignment[i]) {
                    assignment[i] = nearest;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
            centres = means(points, assignment, centres);
        }
        return new Clusters(assignment, clusters, iteration);
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to D^2. */
    private static double[][] seed(double[][] points, int k, Random random) {
        double[][] centres = new double[k][];
        boolean[] taken = new boolean[points.length];
        int first = random.nextInt(points.length);
        centres[0] = points[first].clone();
        taken[first] = true;
        double[] distance = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            distance[i] = squared(points[i], centres[0]);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < points.length; i++) {
                total += taken[i] ? 0 : distance[i];
            }
            int chosen = -1;
            if (total > 0) {
                double r = random.nextDouble() * total;
                for (int i = 0; i < points.length && chosen < 0; i++) {
                    if (!taken[i]) {
                        r -= distance[i];
                        if (r < 0) {
                            chosen = i;
                        }
                    }
                }
            }
            if (chosen < 0) { // every remaining point sits on a centre (duplicates), or rounding ran past the end
                for (int i = points.length - 1; i >= 0 && chosen < 0; i--) {
                    if (!taken[i]) {
                        chosen = i;
                    }
                }
            }
            centres[c] = points[chosen].clone();
            taken[chosen] = true;
            for (int i = 0; i < points.length; i++) {
                distance[i] = Math.min(distance[i], squared(points[i], centres[c]));
            }
        }
        return centres;
    }

    /**
     * The mean of each cluster's points; an empty cluster takes the point farthest from its own
     * centre, which leaves a cluster of two or more points.
     */
    private static double[][] means(double[][] points, int[] assignment, double[][] previous) {
        int k = previous.length;
        int width = points[0].length;
        double[][] sums = new double[k][width];
        int[] counts = new int[k];
        for (int i = 0; i < points.length; i++) {
            counts[assignment[i]]++;
            for (int d = 0; d < width; d++) {
                sums[assignment[i]][d] += points[i][d];
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                int farthest = -1;
                double most = -1;
                for (int i = 0; i < points.length; i++) {
                    double d = squared(points[i], previous[assignment[i]]);
                    if (counts[assignment[i]] > 1 && d > most) {
                        most = d;
                        farthest = i;
                    }
                }
                if (farthest >= 0) {
                    counts[assignment[farthest]]--;
                    for (int d = 0; d < width; d++) {
                        sums[assignment[farthest]][d] -= points[farthest][d];
                    }
                    assignment[farthest] = c;
                    counts[c] = 1;
                    sums[c] = points[farthest].clone();
                }
            }
        }
        double[][] centres = new double[k][];
        for (int c = 0; c < k; c++) {
            centres[c] = new double[width];
            for (int d = 0; d < width; d++) {
                centres[c][d] = counts[c] == 0 ? previous[c][d] : sums[c][d] / counts[c];
            }
        }
        return centres;
    }

    /** The index of the centre nearest to {@code point}; the lowest index among equals. */
    static int nearest(double[] point, double[][] centres) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.length; c++) {
            double d = squared(point, centres[c]);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    static double squared(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }
}
