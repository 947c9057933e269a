package io.editlab.grid;

/** A grid file that cannot be planned; the message names the file and the key. */
public final class GridFileException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public GridFileException(String message) {
        super(message);
    }
}
