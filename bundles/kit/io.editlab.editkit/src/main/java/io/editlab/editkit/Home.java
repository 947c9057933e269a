package io.editlab.editkit;

import java.nio.file.Path;

/**
 * EditLab's data folder on this machine: the system property {@code editlab.home}, else the
 * environment variable {@code EDITLAB_HOME}, else {@code ~/.editlab}. Cached models live in its
 * {@code models} folder.
 */
public final class Home {

    private Home() {}

    public static Path folder() {
        String property = System.getProperty("editlab.home");
        String chosen = property != null ? property : System.getenv("EDITLAB_HOME");
        return chosen != null ? Path.of(chosen) : Path.of(System.getProperty("user.home"), ".editlab");
    }

    /** Where models are cached, e.g. {@code models/builtin}. */
    public static Path models() {
        return folder().resolve("models");
    }
}
