package io.editlab.api.edit;

/**
 * An edit could not be applied: bad configuration, diverging training (NaN), missing preparation.
 * The host rolls the session back to its state before the failing call.
 */
public class EditException extends Exception {
    private static final long serialVersionUID = 1L;

    public EditException(String message) {
        super(message);
    }

    public EditException(String message, Throwable cause) {
        super(message, cause);
    }
}
