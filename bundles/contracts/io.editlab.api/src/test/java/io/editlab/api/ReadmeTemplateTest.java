package io.editlab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The method template in the root README compiles against the API, DJL's API and OSGi's annotations, nothing else. */
class ReadmeTemplateTest {

    private static final String INTRO = "The smallest complete method";

    @Test
    void theReadmesMethodTemplateCompilesAgainstTheApiAlone(@TempDir Path dir) throws Exception {
        Path readme = Path.of(System.getProperty("editlab.root", "../../.."), "README.md");
        String text = Files.readString(readme);
        int intro = text.indexOf(INTRO);
        assertTrue(intro >= 0, readme + " has no paragraph starting '" + INTRO + "'");
        int start = text.indexOf("```java\n", intro) + "```java\n".length();
        String source = text.substring(start, text.indexOf("```", start));
        String pkg = source.lines()
                .filter(l -> l.startsWith("package "))
                .findFirst()
                .orElseThrow()
                .substring("package ".length())
                .replace(";", "")
                .strip();
        String type = source.lines()
                .filter(l -> l.startsWith("public final class "))
                .findFirst()
                .orElseThrow()
                .split(" ")[3];
        Path file = dir.resolve("src").resolve(pkg.replace('.', '/')).resolve(type + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);

        List<String> apiOnly = Arrays.stream(
                        System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.replace('\\', '/').contains("io.editlab.api/target/classes")
                        || e.replace('\\', '/').contains("/ai/djl/api/")
                        || e.replace('\\', '/').contains("/org/osgi/"))
                .toList();
        assertEquals(
                1, apiOnly.stream().filter(e -> e.contains("io.editlab.api")).count(), "the API's classes: " + apiOnly);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        StringWriter errors = new StringWriter();
        List<String> options = List.of(
                "-classpath",
                String.join(File.pathSeparator, apiOnly),
                "-d",
                dir.resolve("out").toString(),
                "-proc:none");
        boolean compiled = javac.getTask(
                        errors,
                        null,
                        null,
                        options,
                        null,
                        javac.getStandardFileManager(null, null, null).getJavaFileObjects(file.toFile()))
                .call();
        assertTrue(
                compiled,
                "the template does not compile against "
                        + apiOnly.stream()
                                .map(e -> Path.of(e).getFileName().toString())
                                .collect(Collectors.joining(", "))
                        + ":\n" + errors);
        assertTrue(
                Files.exists(dir.resolve("out").resolve(pkg.replace('.', '/')).resolve(type + ".class")));
    }
}
