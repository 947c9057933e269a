package io.editlab.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.Editor;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginKind;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import io.editlab.api.route.Router;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * ELDER's router bundle is replaced by a second router implementation while an ELDER editor holds
 * trained LoRAs: the editor's routing (and so its deferral) changes at once, without a restart of the
 * method, the editor or the runtime, and the base model stays as it was.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class RouterSwapTest {

    static final String ROUTER = "io.editlab.elder.router";
    static final String PROMPT = "The sky is";
    static final int[] PROMPT_IDS = {1, 2, 3};

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
        model = runtime.load("router-swap", TinyModel.write(dir.resolve("model")));
    }

    @AfterEach
    void unloadModel() {
        runtime.unload("router-swap");
    }

    @Test
    void swappingTheRouterBundleChangesAnEditorsRoutingWithoutARestart() throws Exception {
        EditMethod elder =
                catalog.find(PluginKind.METHOD, EditMethod.class, "elder").orElseThrow();
        ServiceReference<EditMethod> method = context.getServiceReferences(EditMethod.class, "(editlab.method=elder)")
                .iterator()
                .next();
        Bundle original = Arrays.stream(context.getBundles())
                .filter(b -> b.getSymbolicName().equals(ROUTER))
                .findFirst()
                .orElseThrow();
        float[] weightBefore =
                model.parameter("transformer.h.1.mlp.c_fc.weight").toFloatArray();
        float[] base = model.nextTokenLogits(PROMPT_IDS);

        try (EditSession session = model.openSession("swap");
                Editor editor = elder.create(
                        session,
                        Map.of("layers", 1, "experts", 4, "topK", 2, "learningRate", 0.05, "iterations", 30))) {
            editor.apply(List.of(EditRequest.of("sky", PROMPT, "green")));
            float[] edited = session.nextTokenLogits(PROMPT_IDS);
            assertFalse(Arrays.equals(base, edited), "the edit's own code is recorded, so its LoRAs act");

            Bundle second;
            try (InputStream jar = Files.newInputStream(HotSwapTest.fixture("io.editlab.fixture.router.jar"))) {
                second = context.installBundle("fixture:io.editlab.fixture.router", jar);
            }
            second.start();
            original.uninstall();
            Await.millis(() -> routerBundles().equals(List.of(second.getBundleId())), 5000, "only the fixture routes");
            assertArrayEquals(
                    base,
                    session.nextTokenLogits(PROMPT_IDS),
                    0f,
                    "the least-probable router gives the prompt the complement of its recorded code: deferred");

            Bundle restored;
            try (InputStream jar = Files.newInputStream(HotSwapTest.fixture(ROUTER + ".jar"))) {
                restored = context.installBundle("fixture:" + ROUTER, jar);
            }
            restored.start();
            second.uninstall();
            Await.millis(() -> routerBundles().equals(List.of(restored.getBundleId())), 5000, "ELDER's router again");
            assertArrayEquals(
                    edited,
                    session.nextTokenLogits(PROMPT_IDS),
                    0f,
                    "ELDER's own router brings the trained routing back, weights kept");

            editor.apply(List.of(EditRequest.of("grass", "The grass is", "blue")));
            assertEquals(2.0, editor.apply(List.of()).stats().get("codes"), "the same editor keeps editing");
        }
        assertNotNull(method.getBundle(), "the ELDER method service was never unregistered");
        assertEquals(
                method,
                context.getServiceReferences(EditMethod.class, "(editlab.method=elder)")
                        .iterator()
                        .next());
        assertArrayEquals(base, model.nextTokenLogits(PROMPT_IDS), 0f, "the base model answers as before");
        assertArrayEquals(
                weightBefore, model.parameter("transformer.h.1.mlp.c_fc.weight").toFloatArray(), 0f);
        assertEquals(Bundle.ACTIVE, FrameworkUtil.getBundle(runtime.getClass()).getState());
    }

    /** The bundles that currently register a router named {@code elder-topk}. */
    private List<Long> routerBundles() {
        try {
            return context.getServiceReferences(Router.class, "(editlab.router=elder-topk)").stream()
                    .map(r -> r.getBundle().getBundleId())
                    .toList();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
