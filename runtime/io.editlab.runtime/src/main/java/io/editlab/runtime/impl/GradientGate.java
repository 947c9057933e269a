package io.editlab.runtime.impl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PyTorch allows one open gradient collector per process: every training job of the runtime
 * (edit steps of any session, meta-training, pretraining) takes its turn through this gate, while
 * forward-only scoring runs beside it.
 */
final class GradientGate {

    private final Engine engine;
    private final Semaphore turn = new Semaphore(1, true);
    private final AtomicLong backwards = new AtomicLong();
    private volatile Thread holder;

    GradientGate(Engine engine) {
        this.engine = engine;
    }

    /** How many backward passes have run so far: captures use it to tell whether gradients exist yet. */
    long backwards() {
        return backwards.get();
    }

    /** Waits for the turn, then opens a collector that gives the turn back when closed. */
    GradientCollector open() {
        turn.acquireUninterruptibly();
        try {
            Turn opened = new Turn(engine.newGradientCollector());
            holder = Thread.currentThread();
            return opened;
        } catch (RuntimeException e) {
            turn.release();
            throw e;
        }
    }

    /**
     * Puts the calling thread in inference mode unless it holds the gate. PyTorch's gradient mode is
     * per thread and on by default, and DJL turns it off only on the thread that started the engine;
     * without this, a thread that never opened a collector would record graphs while scoring and
     * refuse in-place updates of trainable arrays.
     */
    void inferenceOnThisThread() {
        if (holder != Thread.currentThread() && JniUtils.isGradMode()) {
            JniUtils.setGradMode(false);
        }
    }

    private final class Turn implements GradientCollector {
        private final GradientCollector collector;
        private boolean closed;

        Turn(GradientCollector collector) {
            this.collector = collector;
        }

        @Override
        public void backward(NDArray target) {
            collector.backward(target);
            backwards.incrementAndGet();
        }

        @Override
        public void zeroGradients() {
            collector.zeroGradients();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    collector.close();
                } finally {
                    holder = null;
                    turn.release();
                }
            }
        }
    }
}
