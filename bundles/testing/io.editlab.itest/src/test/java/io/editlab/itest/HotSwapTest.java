package io.editlab.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Editor;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * An editor bundle is installed, updated to a version that behaves differently, and uninstalled
 * while the runtime holds a model; the host sees each step, and the model is untouched.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class HotSwapTest {

    static final String WEIGHT = "transformer.h.0.attn.c_attn.weight";

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ModelRuntime runtime;

    @InjectService
    PluginCatalog catalog;

    @TempDir
    Path dir;

    ModelHandle model;

    @BeforeEach
    void loadModel() throws Exception {
        model = runtime.load("hot-swap", TinyModel.write(dir.resolve("model")));
    }

    @AfterEach
    void unloadModel() {
        runtime.unload("hot-swap");
    }

    static Path fixture(String file) {
        Path path = Path.of(System.getProperty("io.editlab.fixtures.dir", "target/fixtures"), file);
        assertTrue(Files.isRegularFile(path), "fixture bundle missing: " + path);
        return path;
    }

    private Optional<PluginInfo> fixtureMethod() {
        return catalog.plugins(PluginKind.METHOD).stream()
                .filter(p -> p.name().equals("fixture"))
                .findFirst();
    }

    /** The delta one edit leaves on the fixture's weight, in a fresh session. */
    private float deltaOfOneEdit() throws Exception {
        EditMethod method =
                catalog.find(PluginKind.METHOD, EditMethod.class, "fixture").orElseThrow();
        try (EditSession session = model.openSession("probe");
                Editor editor = method.create(session, Map.of())) {
            editor.apply(List.of(EditRequest.of("1", "The sky is", "green")));
            return session.delta(WEIGHT).getFloat(0, 0);
        }
    }

    @Test
    void anEditorBundleIsInstalledUpdatedAndUninstalledWithoutARestart() throws Exception {
        Bundle runtimeBundle = FrameworkUtil.getBundle(runtime.getClass());
        ServiceReference<ModelRuntime> runtimeRef = context.getServiceReference(ModelRuntime.class);
        long runtimeModified = runtimeBundle.getLastModified();
        java.time.Instant runtimeStarted = runtime.startedAt();
        NDArray base = model.parameter(WEIGHT);
        long baseUid = System.identityHashCode(base);
        float[] baseValues = base.toFloatArray();
        assertEquals(
                TinyModel.value(TinyModel.VOCAB * TinyModel.HIDDEN
                        + TinyModel.POSITIONS * TinyModel.HIDDEN
                        + 2 * TinyModel.HIDDEN),
                baseValues[0],
                0f,
                "the runtime holds the checkpoint's values");
        boolean maps = NativeMaps.available();
        Set<String> libtorch = maps ? NativeMaps.libtorch() : Set.of();
        assertTrue(!maps || libtorch.size() == 1, "one libtorch mapped: " + libtorch);

        Bundle editor;
        try (InputStream v1 = Files.newInputStream(fixture("io.editlab.fixture.editor.jar"))) {
            editor = context.installBundle("fixture:io.editlab.fixture.editor", v1);
        }
        long t0 = System.nanoTime();
        editor.start();
        double installed = (System.nanoTime() - t0) / 1e6
                + Await.millis(
                        () -> fixtureMethod()
                                .filter(p -> p.version().equals("1.0.0"))
                                .isPresent(),
                        5000,
                        "v1 is listed");
        assertEquals(0.001f, deltaOfOneEdit(), 1e-7f, "version 1 adds 1/1000 per edit");

        t0 = System.nanoTime();
        try (InputStream v2 = Files.newInputStream(fixture("io.editlab.fixture.editor-v2.jar"))) {
            editor.update(v2);
        }
        double updated = (System.nanoTime() - t0) / 1e6
                + Await.millis(
                        () -> fixtureMethod()
                                .filter(p -> p.version().equals("2.0.0"))
                                .isPresent(),
                        5000,
                        "v2 is listed");
        assertEquals(editor.getBundleId(), fixtureMethod().orElseThrow().bundleId());
        assertEquals(0.002f, deltaOfOneEdit(), 1e-7f, "version 2 behaves differently");

        t0 = System.nanoTime();
        editor.uninstall();
        double uninstalled = (System.nanoTime() - t0) / 1e6
                + Await.millis(() -> fixtureMethod().isEmpty(), 5000, "the fixture is gone");
        System.out.printf(
                "[hot-swap] install+start %.1f ms, update %.1f ms, uninstall %.1f ms%n",
                installed, updated, uninstalled);

        assertEquals(Bundle.ACTIVE, runtimeBundle.getState());
        assertEquals(runtimeModified, runtimeBundle.getLastModified(), "the runtime bundle was not touched");
        assertEquals(runtimeRef, context.getServiceReference(ModelRuntime.class), "the same runtime service");
        assertEquals(runtimeStarted, runtime.startedAt(), "the runtime was not restarted");
        assertSame(model, runtime.model("hot-swap").orElseThrow(), "the same loaded model");
        NDArray after = model.parameter(WEIGHT);
        assertSame(base, after, "the same tensor object");
        assertEquals(baseUid, System.identityHashCode(after));
        assertArrayEquals(baseValues, after.toFloatArray(), "with the same values");
        assertTrue(model.sessions().isEmpty(), "every probe session was closed");
        if (maps) {
            assertEquals(libtorch, NativeMaps.libtorch(), "libtorch was loaded once, at the same address");
        }
    }

    @Test
    void theFixtureIsNotInstalledByDefault() {
        assumeTrue(context.getBundles().length > 0);
        assertTrue(fixtureMethod().isEmpty(), "tests install the fixture themselves");
    }
}
