package io.editlab.api.data;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A knowledge corpus that is generated and so comes in any size, such as the built-in world: hosts
 * ask it for a world of N subjects directly ({@code --data builtin:N}) instead of reconfiguring the
 * service, so two runs of different sizes never race on one configuration.
 *
 * @since 1.3
 */
@ConsumerType
public interface ScalableCorpus extends KnowledgeCorpus {

    /** The largest number of subjects {@link #withSubjects} accepts. */
    int maxSubjects();

    /**
     * The corpus of this kind with {@code subjects} subjects (every other setting as configured); the
     * same size always gives the same facts and edits.
     *
     * @throws IllegalArgumentException unless {@code 2 <= subjects <= maxSubjects()}, saying so
     */
    KnowledgeCorpus withSubjects(int subjects);
}
