package io.editlab.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModelRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.util.tracker.ServiceTracker;

/** Refreshing the runtime bundle restarts it on the natives DJL already loaded: no UnsatisfiedLinkError. */
@ExtendWith(BundleContextExtension.class)
class RefreshTest {

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path dir;

    @Test
    void refreshingTheRuntimeBundleReusesTheLoadedNatives() throws Exception {
        ServiceTracker<ModelRuntime, ModelRuntime> tracker = new ServiceTracker<>(context, ModelRuntime.class, null);
        tracker.open();
        try {
            ModelRuntime before = tracker.waitForService(10_000);
            Bundle runtimeBundle = FrameworkUtil.getBundle(before.getClass());
            long id = runtimeBundle.getBundleId();
            Set<String> libtorch = NativeMaps.available() ? NativeMaps.libtorch() : Set.of();
            String owner = System.getProperty("editlab.djl.native.owner");

            List<Throwable> errors = new CopyOnWriteArrayList<>();
            FrameworkListener errorListener = event -> {
                if (event.getType() == FrameworkEvent.ERROR) {
                    errors.add(event.getThrowable());
                }
            };
            context.addFrameworkListener(errorListener);
            CountDownLatch refreshed = new CountDownLatch(1);
            long t0 = System.nanoTime();
            context.getBundle(0)
                    .adapt(FrameworkWiring.class)
                    .refreshBundles(List.of(runtimeBundle), event -> refreshed.countDown());
            assertTrue(refreshed.await(30, TimeUnit.SECONDS), "refresh finished");
            double millis = Await.millis(
                    () -> tracker.getService() != null && tracker.getService() != before,
                    10_000,
                    "a new runtime service is registered");
            System.out.printf("[refresh] runtime back after %.1f ms%n", (System.nanoTime() - t0) / 1e6);
            context.removeFrameworkListener(errorListener);

            assertTrue(errors.isEmpty(), "no framework error: " + errors);
            ModelRuntime after = tracker.getService();
            assertNotSame(before, after);
            assertEquals(id, FrameworkUtil.getBundle(after.getClass()).getBundleId());
            assertEquals(owner, System.getProperty("editlab.djl.native.owner"), "the same DJL class loader");
            ModelHandle model = after.load("after-refresh", TinyModel.write(dir.resolve("m")));
            assertEquals(
                    TinyModel.value(0),
                    model.parameter("transformer.wte.weight").toFloatArray()[0],
                    0f);
            after.unload("after-refresh");
            if (NativeMaps.available()) {
                assertEquals(libtorch, NativeMaps.libtorch(), "libtorch was not loaded again");
            }
            assertTrue(millis >= 0);
        } finally {
            tracker.close();
        }
    }
}
