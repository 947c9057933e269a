package io.editlab.planner.kmeans.impl;

import io.editlab.api.edit.EditRequest;
import io.editlab.api.plan.EditOrderPlanner;
import io.editlab.api.plan.EditlabPlanner;
import io.editlab.api.plan.PlanningContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * LEMoE's clustering-based edit-order planning (README, 'What it does'; the paper leaves the
 * exact procedure open, this is ours): the features are the L2-normalised mean input embeddings of the
 * edit prompts; k-means (k-means++ seeding from the context's seed, at most {@code iterations}
 * Lloyd iterations) with k = the number of batches; the clusters are concatenated largest first
 * (ties: the cluster whose first edit comes first), each keeping the stream's order, so that the
 * batches cut from the result come mostly from one cluster each.
 */
@EditlabPlanner(KMeansPlanner.NAME_VALUE)
@Component(service = EditOrderPlanner.class, configurationPid = "io.editlab.planner.kmeans")
@Designate(ocd = KMeansConfig.class)
public final class KMeansPlanner implements EditOrderPlanner {

    static final String NAME_VALUE = "kmeans";
    private static final System.Logger LOG = System.getLogger(KMeansPlanner.class.getName());

    private final int clusters;
    private final int iterations;
    private final boolean normalise;

    /** @throws IllegalArgumentException naming the attribute when the configuration is out of range */
    @Activate
    public KMeansPlanner(KMeansConfig config) {
        if (config.clusters() < -1 || config.clusters() == 0) {
            throw new IllegalArgumentException("io.editlab.planner.kmeans: clusters must be -1 (one per batch) or"
                    + " at least 1, not " + config.clusters());
        }
        if (config.iterations() < 1) {
            throw new IllegalArgumentException(
                    "io.editlab.planner.kmeans: iterations must be at least 1, not " + config.iterations());
        }
        this.clusters = config.clusters();
        this.iterations = config.iterations();
        this.normalise = config.normalise();
    }

    @Override
    public List<EditRequest> plan(List<EditRequest> edits, PlanningContext context) {
        if (context.batchSize() < 1) {
            throw new IllegalArgumentException("the batch size must be at least 1, not " + context.batchSize());
        }
        if (edits.size() <= 1) {
            return List.copyOf(edits);
        }
        double[][] features = PromptEmbeddings.of(
                context.model(), edits.stream().map(EditRequest::prompt).toList());
        if (normalise) {
            features = PromptEmbeddings.normalised(features);
        }
        int k = clusters == -1 ? (edits.size() + context.batchSize() - 1) / context.batchSize() : clusters;
        KMeans.Clusters result = KMeans.cluster(features, k, iterations, context.seed());
        List<EditRequest> planned = order(edits, result);
        LOG.log(
                System.Logger.Level.INFO,
                () -> "kmeans planner: " + edits.size() + " edits, seed " + context.seed()
                        + ", " + result.k() + " clusters after " + result.iterations()
                        + " iterations, sizes (largest first) "
                        + Arrays.toString(Arrays.stream(result.sizes())
                                .boxed()
                                .sorted(Comparator.reverseOrder())
                                .mapToInt(Integer::intValue)
                                .toArray()));
        return planned;
    }

    /** The edits cluster by cluster, largest first (ties: earliest first edit), each in stream order. */
    static List<EditRequest> order(List<EditRequest> edits, KMeans.Clusters clusters) {
        int[] assignment = clusters.assignment();
        int[] sizes = clusters.sizes();
        int[] firstMember = new int[clusters.k()];
        Arrays.fill(firstMember, Integer.MAX_VALUE);
        for (int i = assignment.length - 1; i >= 0; i--) {
            firstMember[assignment[i]] = i;
        }
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < clusters.k(); c++) {
            order.add(c);
        }
        order.sort(Comparator.comparingInt((Integer c) -> -sizes[c]).thenComparingInt(c -> firstMember[c]));
        List<EditRequest> planned = new ArrayList<>(edits.size());
        for (int c : order) {
            for (int i = 0; i < assignment.length; i++) {
                if (assignment[i] == c) {
                    planned.add(edits.get(i));
                }
            }
        }
        return planned;
    }
}
