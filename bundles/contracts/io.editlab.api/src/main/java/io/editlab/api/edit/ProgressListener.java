package io.editlab.api.edit;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives progress of long jobs (meta-training, long edit streams). */
@ConsumerType
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param stage what is running, e.g. "epoch 2/5"
     * @param done units done in this stage
     * @param total units in this stage, or -1 when unknown
     */
    void progress(String stage, long done, long total);
}
