package dev.edgetwin.runtime;

import dev.edgetwin.runtime.pipeline.PipelineStages;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.OnnxDetector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tinylog.Logger;

/**
 * The serving detector as pipeline stages, replaceable while frames flow. Each pipeline buffer is a
 * slot (pinned input and output tensors) of one detector; after a swap a buffer moves to the new
 * detector when it next starts a frame, so the frames already in flight finish on the old one, and
 * the old detector (its session) is closed when its last slot is released. Several pipelines (one
 * per camera) may share one instance.
 *
 * <p>Threads: {@link #prepare} from a pipeline's preprocessing thread, {@link #infer} from its
 * inference thread, {@link #decode} from its post-processing thread, each on its own buffer; {@link
 * #offer} from any thread; {@link #close} once every pipeline has stopped.
 */
final class ServingStages implements PipelineStages<ServingStages.Buffer> {
    /** A pipeline buffer: a slot of the detector that owns it. */
    static final class Buffer {
        private ServingDetector owner;
        private OnnxDetector.Slot slot;
    }

    private volatile ServingDetector current;
    // Guarded by this: slots per detector, and detectors that were replaced but still have slots.
    private final Map<ServingDetector, Integer> slots = new HashMap<>();
    private boolean closed;

    ServingStages(ServingDetector initial) {
        this.current = initial;
    }

    /** The detector serving new frames. */
    ServingDetector current() {
        return current;
    }

    /** Any thread: {@code next} serves every frame that starts preprocessing from now on. */
    synchronized void offer(ServingDetector next) {
        if (closed) {
            next.close();
            throw new IllegalStateException("the daemon is stopping; detector not swapped");
        }
        ServingDetector old = current;
        current = next;
        Logger.info("Detector swapped: {} -> {}", old.info().file(), next.info().file());
        closeIfUnused(old);
    }

    @Override
    public synchronized Buffer newBuffer() throws DetectorException {
        Buffer b = new Buffer();
        bind(b, current);
        return b;
    }

    @Override
    public void prepare(Frame frame, Buffer buffer) throws DetectorException {
        ServingDetector serving = current;
        if (buffer.owner != serving) {
            synchronized (this) {
                unbind(buffer);
                bind(buffer, current);
            }
        }
        buffer.owner.detector().prepare(frame, buffer.slot);
    }

    @Override
    public void infer(Buffer buffer) throws DetectorException {
        buffer.owner.detector().run(buffer.slot);
    }

    @Override
    public List<Detection> decode(Buffer buffer) {
        return buffer.owner.detector().decode(buffer.slot);
    }

    /** The detector that ran {@code buffer}'s frame (for the twin's model block). */
    @Override
    public ServingDetector producer(Buffer buffer) {
        return buffer.owner;
    }

    @Override
    public synchronized void release(Buffer buffer) {
        unbind(buffer);
    }

    private void bind(Buffer b, ServingDetector detector) throws DetectorException {
        b.slot = detector.detector().newSlot();
        b.owner = detector;
        slots.merge(detector, 1, Integer::sum);
    }

    private void unbind(Buffer b) {
        if (b.owner == null) {
            return;
        }
        ServingDetector owner = b.owner;
        b.slot.close();
        b.slot = null;
        b.owner = null;
        slots.merge(owner, -1, Integer::sum);
        if (owner != current) {
            closeIfUnused(owner);
        }
    }

    private void closeIfUnused(ServingDetector detector) {
        if (slots.getOrDefault(detector, 0) <= 0) {
            slots.remove(detector);
            detector.close();
        }
    }

    /** After every pipeline stopped and released its buffers: closes what is left. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ServingDetector d : List.copyOf(slots.keySet())) {
            if (d != current) {
                d.close();
            }
        }
        slots.clear();
        current.close();
    }

    @Override
    public String toString() {
        return "ServingStages[" + current.info().file() + "]";
    }
}
