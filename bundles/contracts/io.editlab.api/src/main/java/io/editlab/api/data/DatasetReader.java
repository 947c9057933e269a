package io.editlab.api.data;

import io.editlab.api.edit.EditRequest;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** Reads one data-set format into edit requests. */
@ConsumerType
public interface DatasetReader {

    /** Service property: the format's id, e.g. {@code zsre}, {@code counterfact}. */
    String FORMAT = "editlab.dataset.format";

    /**
     * Reads every record of a file, in file order.
     *
     * @throws DatasetException for a missing, unreadable or malformed file; the exception names the
     *     file, the record and the field
     */
    List<EditRequest> read(Path file) throws DatasetException;
}
