package io.editlab.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.host.PluginCatalog;
import io.editlab.api.model.ModelRuntime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The assembled framework: every bundle starts, the runtime picks the CPU here. */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
class FrameworkTest {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    ModelRuntime runtime;

    @InjectService
    PluginCatalog catalog;

    @Test
    void everyBundleIsActive() {
        List<String> inactive = Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.ACTIVE && b.getHeaders().get("Fragment-Host") == null)
                .map(b -> b.getSymbolicName() + " (state " + b.getState() + ")")
                .toList();
        assertTrue(inactive.isEmpty(), "not active: " + inactive);
    }

    @Test
    void theRuntimeRunsOnTheCpuWhenThereIsNoGpu() {
        assertEquals("cpu()", runtime.device());
    }
}
