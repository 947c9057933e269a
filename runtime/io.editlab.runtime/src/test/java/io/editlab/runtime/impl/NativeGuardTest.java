package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class NativeGuardTest {

    @Test
    void theFirstLoaderOwnsTheNativesAndMayClaimAgain() {
        Properties properties = new Properties();
        ClassLoader loader = getClass().getClassLoader();
        NativeGuard.claim(loader, properties);
        assertDoesNotThrow(() -> NativeGuard.claim(loader, properties));
    }

    @Test
    void anotherLoaderGetsAClearErrorInsteadOfAnUnsatisfiedLink() throws Exception {
        Properties properties = new Properties();
        NativeGuard.claim(getClass().getClassLoader(), properties);
        try (URLClassLoader other = new URLClassLoader(new URL[0])) {
            IllegalStateException error =
                    assertThrows(IllegalStateException.class, () -> NativeGuard.claim(other, properties));
            assertTrue(error.getMessage().contains("Restart the JVM"), error.getMessage());
        }
    }
}
