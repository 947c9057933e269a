package io.editlab.runtime.impl;

import java.util.Properties;

/**
 * libtorch can be loaded by one class loader per JVM. The first runtime to start records which
 * loader owns DJL; a later start under another loader (the DJL bundle was refreshed or updated)
 * fails with a clear message instead of an {@link UnsatisfiedLinkError}.
 */
final class NativeGuard {

    static final String PROPERTY = "editlab.djl.native.owner";

    private NativeGuard() {}

    static String identity(ClassLoader loader) {
        return loader.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(loader));
    }

    /**
     * Claims the natives for {@code loader}, or confirms that it already owns them.
     *
     * @throws IllegalStateException when another class loader owns them
     */
    static void claim(ClassLoader loader, Properties properties) {
        String me = identity(loader);
        synchronized (properties) {
            String owner = properties.getProperty(PROPERTY);
            if (owner == null) {
                properties.setProperty(PROPERTY, me);
            } else if (!owner.equals(me)) {
                throw new IllegalStateException("The PyTorch natives were loaded through " + owner
                        + ", but DJL is now loaded by " + me + ": the io.editlab.djl bundle was refreshed or"
                        + " updated, and libtorch cannot be loaded twice in one JVM. Restart the JVM.");
            }
        }
    }
}
