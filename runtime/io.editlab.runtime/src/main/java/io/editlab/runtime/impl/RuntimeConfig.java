package io.editlab.runtime.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        name = "EditLab model runtime",
        description = "Where models run and in which precision. Read once when the runtime starts.")
@interface RuntimeConfig {

    @AttributeDefinition(
            name = "Device",
            description = "auto: the first GPU when the engine sees one, else the"
                    + " CPU. cpu or gpu force a choice; gpu fails when there is none.",
            options = {@Option(value = "auto"), @Option(value = "cpu"), @Option(value = "gpu")})
    String device() default "auto";

    @AttributeDefinition(
            name = "Weight precision",
            description = "Element type the base weights are kept in, on any device: auto keeps each"
                    + " checkpoint's own (float32, float16 or bfloat16); the others convert at load."
                    + " Activations, session deltas and adapters are float32 whatever this is.",
            options = {
                @Option(value = "auto"),
                @Option(value = "float32"),
                @Option(value = "float16"),
                @Option(value = "bfloat16")
            })
    String dtype() default "auto";

    /** The default of {@link #maxParameters()}: twice LLaMA-2-70B. */
    long MAX_PARAMETERS = 140_000_000_000L;

    @AttributeDefinition(
            name = "Largest model",
            description = "Most parameters a model may have; a config.json"
                    + " that describes a larger model is refused before anything is read or allocated.")
    long maxParameters() default MAX_PARAMETERS;
}
