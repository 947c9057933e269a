package io.editlab.api.model;

/** A model could not be loaded or used. The message names the file and tensor concerned. */
public class ModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
