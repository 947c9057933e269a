package io.editlab.editkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditOptions;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

    /** A method's configuration, as DS would inject it (the defaults of this annotation). */
    @Retention(RetentionPolicy.RUNTIME)
    @interface Config {
        int steps() default 100;

        double learningRate() default 0.5;

        boolean expand() default true;

        String module() default "MLP_DOWN";

        long seed() default 7;
    }

    @Config
    private static final class Defaults {}

    private static final Config DEFAULTS = Defaults.class.getAnnotation(Config.class);

    record Tuned(int steps, double learningRate, boolean expand, String module, long seed) implements EditOptions {
        Tuned {
            Options.atLeast("steps", steps, 1);
            Options.positive("learningRate", learningRate);
            Options.require(List.of("MLP_DOWN", "MLP_UP").contains(module), "module", module, "MLP_DOWN or MLP_UP");
        }

        @Override
        public Map<String, String> values() {
            return Options.values(this);
        }
    }

    /** Options a family of methods shares. */
    record Shared(int steps, double learningRate) {
        Shared {
            Options.atLeast("steps", steps, 1);
        }
    }

    /** A family member's options: the shared ones and its own. */
    record Member(Shared shared, boolean expand, String module, long seed) implements EditOptions {
        @Override
        public Map<String, String> values() {
            return Options.values(this);
        }
    }

    record Missing(int steps) implements EditOptions {
        @Override
        public Map<String, String> values() {
            return Options.values(this);
        }
    }

    private static final OptionsReader<Tuned, Config> READER =
            new OptionsReader<>("grace", Tuned.class, Config.class, DEFAULTS);

    private static Tuned read(Map<String, ?> overrides) throws EditException {
        return READER.read(overrides);
    }

    @Test
    void overridesOfAnyFormTakePrecedenceOverTheConfiguredDefaults() throws Exception {
        assertEquals(new Tuned(100, 0.5, true, "MLP_DOWN", 7), read(Map.of()));
        assertEquals(
                new Tuned(3, 0.25, false, "MLP_UP", 9),
                read(Map.of("steps", " 3", "learningRate", 0.25, "expand", "FALSE", "module", "MLP_UP", "seed", 9)));
    }

    @Test
    void valuesAreTextInDeclarationOrderAndReadBackToEqualOptions() throws Exception {
        Tuned options = read(Map.of("learningRate", "1e-3"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("steps", "100");
        expected.put("learningRate", "0.001");
        expected.put("expand", "true");
        expected.put("module", "MLP_DOWN");
        expected.put("seed", "7");
        assertEquals(
                List.copyOf(expected.entrySet()), List.copyOf(options.values().entrySet()));
        assertEquals(options, read(options.values()));
        assertSame(options, READER.as(options));
        EditOptions foreign = () -> Map.of("steps", "5");
        assertEquals(new Tuned(5, 0.5, true, "MLP_DOWN", 7), READER.as(foreign));
    }

    @Test
    void namesUnknownKeysAndMalformedValues() {
        assertEquals(
                "grace: unknown configuration [lrr]; known: [expand, learningRate, module, seed, steps]",
                assertThrows(EditException.class, () -> read(Map.of("lrr", "2")))
                        .getMessage());
        assertEquals(
                "grace: steps must be a whole number, not 'many'",
                assertThrows(EditException.class, () -> read(Map.of("steps", "many")))
                        .getMessage());
        assertEquals(
                "grace: steps must be a whole number, not '2.5'",
                assertThrows(EditException.class, () -> read(Map.of("steps", 2.5)))
                        .getMessage());
        assertEquals(
                "grace: learningRate must be a number, not 'fast'",
                assertThrows(EditException.class, () -> read(Map.of("learningRate", "fast")))
                        .getMessage());
        assertEquals(
                "grace: expand must be true or false, not 'yes'",
                assertThrows(EditException.class, () -> read(Map.of("expand", "yes")))
                        .getMessage());
    }

    @Test
    void theRecordsRangeChecksNameTheKeyAndTheRange() {
        assertEquals(
                "grace: learningRate must be a positive finite number, not '-1.0'",
                assertThrows(EditException.class, () -> read(Map.of("learningRate", "-1")))
                        .getMessage());
        assertEquals(
                "grace: steps must be at least 1, not '0'",
                assertThrows(EditException.class, () -> read(Map.of("steps", 0)))
                        .getMessage());
        assertEquals(
                "grace: module must be MLP_DOWN or MLP_UP, not 'ATTN'",
                assertThrows(EditException.class, () -> read(Map.of("module", "ATTN")))
                        .getMessage());
    }

    @Test
    void aRecordComponentStandsForItsOwnComponents() throws Exception {
        OptionsReader<Member, Config> reader = new OptionsReader<>("memit", Member.class, Config.class, DEFAULTS);
        Member member = reader.read(Map.of("learningRate", "2"));
        assertEquals(new Member(new Shared(100, 2.0), true, "MLP_DOWN", 7), member);
        assertEquals(
                List.of("steps", "learningRate", "expand", "module", "seed"),
                List.copyOf(member.values().keySet()));
        assertEquals(member, reader.read(member.values()));
        assertEquals(
                "memit: steps must be at least 1, not '0'",
                assertThrows(EditException.class, () -> reader.read(Map.of("steps", 0)))
                        .getMessage());
    }

    @Test
    void invalidDefaultsStopAComponentFromActivating() {
        @Config(steps = 0)
        final class Broken {}
        OptionsReader<Tuned, Config> reader =
                new OptionsReader<>("grace", Tuned.class, Config.class, Broken.class.getAnnotation(Config.class));
        assertEquals(
                "invalid configuration io.editlab.grace: grace: steps must be at least 1, not '0'",
                assertThrows(IllegalArgumentException.class, () -> reader.checkDefaults("io.editlab.grace"))
                        .getMessage());
        assertSame(READER, READER.checkDefaults("io.editlab.grace"));
    }

    @Test
    void aRecordThatDoesNotMatchItsConfigurationIsAProgrammingError() {
        IllegalStateException error = assertThrows(
                IllegalStateException.class, () -> new OptionsReader<>("grace", Missing.class, Config.class, DEFAULTS));
        assertEquals(true, error.getMessage().contains("has components [steps]"), error.getMessage());
    }
}
