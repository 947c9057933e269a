package io.editlab.server.impl;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Installs, updates and uninstalls bundles sent over HTTP. An upload must be a jar whose manifest
 * names a bundle; one that cannot start is uninstalled again and the reason returned. The host's
 * own infrastructure (framework, runtime, API, HTTP, database) cannot be replaced or removed here.
 */
final class Deployer {

    private static final Set<String> CORE = Set.of(
            "io.editlab.api",
            "io.editlab.djl",
            "io.editlab.runtime",
            "io.editlab.host",
            "io.editlab.harness",
            "io.editlab.store",
            "io.editlab.server",
            "io.editlab.dashboard",
            "io.editlab.data.json",
            "com.google.gson",
            "com.h2database",
            "slf4j.api",
            "slf4j.simple");
    private static final String[] CORE_PREFIXES = {
        "org.apache.felix.", "org.apache.aries.", "org.apache.commons.", "org.osgi.", "org.owasp."
    };
    static final String LOCATION = "editlab-upload:";

    private final BundleContext context;

    Deployer(BundleContext context) {
        this.context = context;
    }

    static boolean core(Bundle bundle) {
        return bundle.getBundleId() == 0 || coreName(String.valueOf(bundle.getSymbolicName()));
    }

    /** Names of the host's own bundles and the framework's, which no upload may take. */
    static boolean coreName(String name) {
        return name.equals(Constants.SYSTEM_BUNDLE_SYMBOLICNAME)
                || CORE.contains(name)
                || Arrays.stream(CORE_PREFIXES).anyMatch(name::startsWith);
    }

    JsonArray list() {
        JsonArray bundles = new JsonArray();
        for (Bundle bundle : context.getBundles()) {
            bundles.add(describe(bundle));
        }
        return bundles;
    }

    static JsonObject describe(Bundle bundle) {
        JsonObject json = new JsonObject();
        json.addProperty("id", bundle.getBundleId());
        json.addProperty("name", bundle.getSymbolicName());
        json.addProperty("version", bundle.getVersion().toString());
        json.addProperty("state", state(bundle.getState()));
        json.addProperty("location", bundle.getLocation());
        json.addProperty("core", core(bundle));
        return json;
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "uninstalled";
        };
    }

    /** The symbolic name a jar's manifest declares, or a 400 saying why it is not a bundle. */
    static String symbolicName(byte[] jar, String fileName) {
        Manifest manifest;
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            manifest = in.getManifest();
            if (manifest == null && in.getNextJarEntry() == null) {
                throw ApiException.badRequest(fileName + " is not an OSGi bundle: it is not a jar (zip) file");
            }
        } catch (IOException e) {
            throw ApiException.badRequest(
                    fileName + " is not an OSGi bundle: it is not a jar (zip) file (" + e.getMessage() + ")");
        }
        if (manifest == null) {
            throw ApiException.badRequest(fileName + " is not an OSGi bundle: it has no META-INF/MANIFEST.MF");
        }
        String name = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest(
                    fileName + " is not an OSGi bundle: its manifest has no " + Constants.BUNDLE_SYMBOLICNAME);
        }
        return name.split(";")[0].strip();
    }

    /** A deployed bundle, and whether it was new (else an installed one was updated). */
    record Deployed(JsonObject bundle, boolean created) {}

    /** Installs and starts the jar, or updates the bundle of the same name. */
    Deployed deploy(byte[] jar, String fileName) {
        String name = symbolicName(jar, fileName);
        Optional<Bundle> existing = Arrays.stream(context.getBundles())
                .filter(b -> name.equals(b.getSymbolicName()))
                .findFirst();
        if (existing.isPresent()) {
            update(existing.get(), jar, fileName);
            return new Deployed(describe(existing.get()), false);
        }
        if (coreName(name)) {
            throw new ApiException(
                    403,
                    fileName + " is named " + Text.quote(name) + ", a name of the host's own"
                            + " bundles or the framework's: choose another Bundle-SymbolicName");
        }
        Bundle bundle;
        try {
            bundle = context.installBundle(LOCATION + name, new ByteArrayInputStream(jar));
        } catch (BundleException e) {
            throw ApiException.badRequest(fileName + " was refused by the framework: " + e.getMessage());
        }
        try {
            start(bundle);
        } catch (BundleException e) {
            uninstallQuietly(bundle);
            throw ApiException.badRequest(
                    fileName + " (" + name + ") cannot start, so it was not kept: " + e.getMessage());
        }
        return new Deployed(describe(bundle), true);
    }

    /** Replaces a bundle's content. */
    JsonObject update(long id, byte[] jar, String fileName) {
        Bundle bundle = bundle(id);
        String name = symbolicName(jar, fileName);
        if (!name.equals(bundle.getSymbolicName())) {
            throw ApiException.badRequest(fileName + " is bundle " + name + ", not " + bundle.getSymbolicName());
        }
        update(bundle, jar, fileName);
        return describe(bundle);
    }

    /** Updates a bundle; when the new content cannot start, the previous content is put back and started. */
    private void update(Bundle bundle, byte[] jar, String fileName) {
        refuseCore(bundle, "updated");
        byte[] previous = content(bundle);
        try {
            bundle.update(new ByteArrayInputStream(jar));
            start(bundle);
        } catch (BundleException | RuntimeException e) {
            String restored;
            try {
                bundle.update(new ByteArrayInputStream(previous));
                start(bundle);
                restored = "the previous version " + bundle.getVersion() + " is back";
            } catch (BundleException | RuntimeException again) {
                restored = "the previous version could not be restored either (" + again.getMessage() + ")";
            }
            throw ApiException.badRequest(fileName + ": updating " + bundle.getSymbolicName() + " failed ("
                    + e.getMessage() + "); " + restored);
        }
    }

    /** The bundle's current content as a jar (its manifest first), rebuilt from its entries. */
    static byte[] content(Bundle bundle) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes)) {
            copy(bundle, "META-INF/MANIFEST.MF", out);
            copyFolder(bundle, "/", out);
        } catch (IOException e) {
            throw new ApiException(
                    500, "cannot read the current content of " + bundle.getSymbolicName() + ": " + e.getMessage());
        }
        return bytes.toByteArray();
    }

    private static void copyFolder(Bundle bundle, String folder, JarOutputStream out) throws IOException {
        Enumeration<String> paths = bundle.getEntryPaths(folder);
        while (paths != null && paths.hasMoreElements()) {
            String path = paths.nextElement();
            if (path.endsWith("/")) {
                copyFolder(bundle, path, out);
            } else if (!path.equals("META-INF/MANIFEST.MF")) {
                copy(bundle, path, out);
            }
        }
    }

    private static void copy(Bundle bundle, String path, JarOutputStream out) throws IOException {
        URL entry = bundle.getEntry(path);
        if (entry == null) {
            return;
        }
        out.putNextEntry(new ZipEntry(path));
        try (InputStream in = entry.openStream()) {
            in.transferTo(out);
        }
        out.closeEntry();
    }

    void uninstall(long id) {
        Bundle bundle = bundle(id);
        refuseCore(bundle, "uninstalled");
        try {
            bundle.uninstall();
        } catch (BundleException e) {
            throw new ApiException(500, "uninstalling " + bundle.getSymbolicName() + " failed: " + e.getMessage());
        }
    }

    private Bundle bundle(long id) {
        Bundle bundle = context.getBundle(id);
        if (bundle == null) {
            throw ApiException.notFound("no bundle " + id);
        }
        return bundle;
    }

    private static void refuseCore(Bundle bundle, String what) {
        if (core(bundle)) {
            throw new ApiException(
                    403, bundle.getSymbolicName() + " is part of the host and cannot be " + what + " over HTTP");
        }
    }

    private static void start(Bundle bundle) throws BundleException {
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
            bundle.start();
        }
    }

    private static void uninstallQuietly(Bundle bundle) {
        try {
            bundle.uninstall();
        } catch (BundleException e) {
            System.getLogger(Deployer.class.getName())
                    .log(System.Logger.Level.WARNING, "could not remove " + bundle.getSymbolicName() + " again", e);
        }
    }
}
