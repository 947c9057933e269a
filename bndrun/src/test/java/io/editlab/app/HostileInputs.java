package io.editlab.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Inputs the end-to-end tests of the host's hardening build: model folders, bundles, raw requests. */
final class HostileInputs {

    private HostileInputs() {}

    /**
     * A model folder {@code folder} with {@code config} as its config.json and, linked, the weights
     * and the tokenizer of the model folder {@code from} where asked for.
     */
    static Path modelFolder(Path folder, Path from, String config, boolean weights, boolean tokenizer)
            throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), config);
        if (weights) {
            Files.createSymbolicLink(folder.resolve("model.safetensors"), from.resolve("model.safetensors"));
        }
        if (tokenizer) {
            Files.createSymbolicLink(folder.resolve("tokenizer.json"), from.resolve("tokenizer.json"));
        }
        return folder;
    }

    /** A jar with a bundle manifest; {@code activator}, when given, names a class it does not contain. */
    static byte[] jar(String name, String version, String activator) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", name);
        main.putValue("Bundle-Version", version);
        if (activator != null) {
            main.putValue("Bundle-Activator", activator);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JarOutputStream(bytes, manifest).close();
        return bytes.toByteArray();
    }

    /** The status of a token-less GET with a Host header of our choosing (which HttpClient does not allow). */
    static int rawGet(Host host, String path, String hostHeader) throws IOException {
        try (Socket socket = new Socket(host.base().getHost(), host.base().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
