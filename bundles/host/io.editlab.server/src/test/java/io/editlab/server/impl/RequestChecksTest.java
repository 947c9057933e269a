package io.editlab.server.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.editlab.api.edit.EditRequest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's checks of what clients send: bodies, edits, uploads, tokens. */
class RequestChecksTest {

    private static String refusal(Runnable call) {
        ApiException e = assertThrows(ApiException.class, call::run);
        assertEquals(400, e.status);
        return e.getMessage();
    }

    @Test
    void bodiesAreReadStrictly() {
        Json body = Json.object(
                "{\"editor\":\"grace\",\"edits\":8,\"config\":{\"k\":1.5,\"on\":true}}",
                Set.of("editor", "edits", "config"));
        assertEquals("grace", body.string("editor"));
        assertEquals(8, body.integer("edits", 1, 1, 10));
        assertEquals(Map.of("k", "1.5", "on", "true"), body.stringMap("config"));
        assertEquals("fallback", body.string("model", "fallback"));
        assertTrue(refusal(() -> Json.object("{\"x\":1}", Set.of("editor"))).contains("unknown field 'x'"));
        assertTrue(refusal(() -> Json.object("[]", Set.of())).contains("must be a JSON object"));
        assertTrue(refusal(() -> Json.object("{", Set.of())).contains("not valid JSON"));
        assertTrue(refusal(() -> body.integer("edits", 1, 1, 4)).contains("between 1 and 4, not 8"));
        assertTrue(refusal(() -> Json.object("{\"n\":1.5}", Set.of("n")).integer("n", 0, 0, 9))
                .contains("whole number"));
        assertTrue(refusal(() -> Json.object("{\"b\":\"yes\"}", Set.of("b")).bool("b", false))
                .contains("true or false"));
        assertTrue(refusal(() -> body.string("absent")).contains("'absent' is required"));
    }

    @Test
    void editsNameTheRecordAndFieldThatIsWrong() {
        List<EditRequest> edits = HostSessions.parseEdits(
                JsonParser.parseString("[{\"prompt\":\"The sky is\","
                                + "\"target\":\"green\",\"rephrases\":[\"Sky colour:\"],\"locality\":[{\"prompt\":\"Grass is\","
                                + "\"answer\":\"green\"}]}]")
                        .getAsJsonArray(),
                "api-");
        assertEquals("api-0", edits.get(0).id());
        assertEquals(List.of("Sky colour:"), edits.get(0).rephrases());
        assertEquals("Grass is", edits.get(0).locality().get(0).prompt());
        assertTrue(refusal(() -> HostSessions.parseEdits(
                        JsonParser.parseString("[{\"prompt\":\"a\",\"target\":\"b\"}," + "{\"prompt\":\"c\"}]")
                                .getAsJsonArray(),
                        "x"))
                .contains("'edits[1].target' is required"));
        assertTrue(refusal(() -> HostSessions.parseEdits(
                        JsonParser.parseString(
                                        "[{\"prompt\":\"a\",\"target\":\"b\"," + "\"locality\":[{\"prompt\":\"c\"}]}]")
                                .getAsJsonArray(),
                        "x"))
                .contains("'edits[0].locality[0].answer' is required"));
        assertTrue(refusal(() ->
                        HostSessions.parseEdits(JsonParser.parseString("[]").getAsJsonArray(), "x"))
                .contains("at least one edit"));
    }

    @Test
    void uploadsMustBeBundles() throws Exception {
        assertTrue(refusal(() -> Deployer.symbolicName("text".getBytes(), "a.txt"))
                .contains("a.txt is not an OSGi " + "bundle: it is not a jar"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        byte[] library = jar(manifest);
        assertTrue(refusal(() -> Deployer.symbolicName(library, "b.jar")).contains("no Bundle-SymbolicName"));
        manifest.getMainAttributes().putValue("Bundle-SymbolicName", "io.example.editor;singleton:=true");
        assertEquals("io.example.editor", Deployer.symbolicName(jar(manifest), "c.jar"));
    }

    private static byte[] jar(Manifest manifest) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new JarOutputStream(bytes, manifest).close();
        return bytes.toByteArray();
    }

    @Test
    void theTokenIsMadeOnceAndPrivate(@TempDir Path folder) throws Exception {
        Token token = Token.of(folder);
        Path file = folder.resolve(Token.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String value = Files.readString(file).strip();
        assertTrue(value.length() >= 40, value);
        assertTrue(token.accepts("Bearer " + value));
        assertFalse(token.accepts("Bearer " + value + "x"));
        assertFalse(token.accepts(value));
        assertFalse(token.accepts(null));
        assertTrue(Token.of(folder).accepts("Bearer " + value), "the next start reads the same token");
    }

    @Test
    void theTokenNeedsExactlyOneSpaceAfterTheScheme(@TempDir Path folder) throws Exception {
        Token token = Token.of(folder);
        String value = Files.readString(folder.resolve(Token.FILE)).strip();
        assertFalse(token.accepts("Bearer  " + value), "two spaces");
        assertFalse(token.accepts("Bearer " + value + " "), "a trailing space");
        assertFalse(token.accepts("Bearer\t" + value), "a tab");
        assertFalse(token.accepts("Bearer " + value.toUpperCase(java.util.Locale.ROOT)), "the token is case-sensitive");
        assertTrue(token.accepts("bearer " + value), "the scheme is not");
    }

    @Test
    void aTokenlessReadNamingAnotherHostIsRefused() {
        java.util.Set<String> names = ApiServlet.hostNames("127.0.0.1");
        for (String header : List.of("localhost:8080", "127.0.0.1", "[::1]:8080", "LOCALHOST")) {
            assertTrue(names.contains(ApiServlet.hostName(header)), header);
        }
        for (String header : List.of("evil.example", "evil.example:8080", "127.0.0.1.evil.example", "[::2]")) {
            assertFalse(names.contains(ApiServlet.hostName(header)), header);
        }
        assertTrue(ApiServlet.hostNames("10.1.2.3").contains(ApiServlet.hostName("10.1.2.3:80")), "the bound address");
        assertFalse(ApiServlet.hostNames("0.0.0.0").contains("0.0.0.0"), "a wildcard bind is no name");
    }

    @Test
    void userTextInAnswersAndLogsIsCutAndEscaped() {
        assertEquals("'a\\nb\\u0000c'", Text.quote("a\nb\u0000c"));
        String huge = Text.quote("x".repeat(900_000));
        assertTrue(huge.length() < 200 && huge.endsWith("... (900000 characters)'"), huge);
        String unknown = refusal(() -> Json.object("{\"" + "k".repeat(5000) + "\":1}", Set.of("a")));
        assertTrue(unknown.length() < 400, unknown);
    }

    @Test
    void blankOrOverlongTextFieldsAreRefused() {
        Json body = Json.object(
                "{\"prompt\":\" \",\"label\":\"" + "x".repeat(201) + "\",\"ok\":\"fine\"}",
                Set.of("prompt", "label", "ok"));
        assertTrue(refusal(() -> body.text("prompt", 10)).contains("'prompt' must not be blank"));
        assertTrue(refusal(() -> body.text("label", 200)).contains("'label' has 201 characters; at most 200"));
        assertEquals("fine", body.text("ok", 10));
    }

    @Test
    void theFrameworksNamesAndTheHostsOwnAreReserved() {
        for (String name :
                List.of("system.bundle", "io.editlab.runtime", "org.apache.felix.scr", "org.osgi.anything")) {
            assertTrue(Deployer.coreName(name), name);
        }
        assertFalse(Deployer.coreName("io.example.editor"));
    }
}
