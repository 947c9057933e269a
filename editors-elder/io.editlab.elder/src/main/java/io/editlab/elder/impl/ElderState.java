package io.editlab.elder.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.editkit.Copies;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Everything one ELDER editor learns, owned by an editor-owned manager (README, 'What it does': state / restore): the
 * mixture layers' parameters, the code memory and the label allocations.
 */
final class ElderState implements AutoCloseable {

    private final NDManager manager;
    private final ElderSettings settings;
    private final List<MixtureWeights> layers;
    private final CodeMemory memory;
    private final Allocations allocations;

    /** A fresh state in a sub-manager of {@code parent}, initialised from the settings' seed. */
    ElderState(NDManager parent, ElderSettings settings) {
        this.manager = parent.newSubManager();
        this.settings = settings;
        Random random = new Random(settings.seed());
        List<MixtureWeights> initial = new ArrayList<>();
        for (int l = 0; l < settings.layers(); l++) {
            initial.add(MixtureWeights.initial(manager, settings, random));
        }
        this.layers = List.copyOf(initial);
        this.memory = new CodeMemory(settings.layers() * settings.experts());
        this.allocations = new Allocations(settings.layers(), settings.experts(), settings.topK(), settings.seed());
    }

    ElderSettings settings() {
        return settings;
    }

    List<MixtureWeights> layers() {
        return layers;
    }

    CodeMemory memory() {
        return memory;
    }

    Allocations allocations() {
        return allocations;
    }

    NDManager manager() {
        return manager;
    }

    /** Every trainable array: each layer's LoRAs, router weight and bias. */
    List<NDArray> parameters() {
        return layers.stream().flatMap(l -> l.parameters().stream()).toList();
    }

    /** The LoRAs of every layer: {@code a} and {@code b}. */
    List<NDArray> loraParameters() {
        return layers.stream()
                .flatMap(l -> java.util.stream.Stream.of(l.a, l.b))
                .toList();
    }

    /** The routers of every layer: weight and bias. */
    List<NDArray> routerParameters() {
        return layers.stream().flatMap(l -> l.parameters().stream().skip(2)).toList();
    }

    /** The state name of each of {@link #parameters()}, in the same order. */
    List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            names.addAll(layers.get(l).names(l));
        }
        return names;
    }

    /** Detached copies of {@link #parameters()}, owned by {@code into}. */
    List<NDArray> copyParameters(NDManager into) {
        List<NDArray> copies = new ArrayList<>();
        for (NDArray parameter : parameters()) {
            copies.add(Copies.detached(into, parameter));
        }
        return copies;
    }

    @Override
    public void close() {
        manager.close();
    }
}
