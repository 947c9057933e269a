package io.editlab.planner.kmeans.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The k-means edit-order planner's settings (PID {@code io.editlab.planner.kmeans}). */
@ObjectClassDefinition(
        name = "EditLab LEMoE k-means edit-order planner",
        description = "Clusters an edit stream by the mean input embeddings of its prompts and concatenates the"
                + " clusters, largest first, so that consecutive batches are semantically homogeneous.")
@interface KMeansConfig {

    @AttributeDefinition(
            name = "Clusters",
            description =
                    "k; -1 means one cluster per batch: ceil(edits / batch" + " size), k = K, the number of batches.")
    int clusters() default -1;

    @AttributeDefinition(name = "Iterations", description = "The most Lloyd iterations after k-means++ seeding.")
    int iterations() default 100;

    @AttributeDefinition(
            name = "Normalise",
            description = "Scale every embedding to unit length before clustering"
                    + " so that k-means compares directions (cosine similarity).")
    boolean normalise() default true;
}
