package dev.edgetwin.runtime.pipeline;

import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.OnnxDetector;
import java.util.List;

/**
 * An {@link OnnxDetector}'s steps as pipeline stages: letterbox into a slot's pinned input, {@code
 * session.run} into its pinned output, decode + NMS. The buffers are the detector's {@link
 * OnnxDetector.Slot}s; the detector stays the caller's and must outlive the pipeline, and must not
 * run {@link OnnxDetector#detect} meanwhile.
 */
public final class DetectorStages implements PipelineStages<OnnxDetector.Slot> {
    private final OnnxDetector detector;

    public DetectorStages(OnnxDetector detector) {
        this.detector = detector;
    }

    @Override
    public OnnxDetector.Slot newBuffer() throws DetectorException {
        return detector.newSlot();
    }

    @Override
    public void prepare(Frame frame, OnnxDetector.Slot slot) {
        detector.prepare(frame, slot);
    }

    @Override
    public void infer(OnnxDetector.Slot slot) throws DetectorException {
        detector.run(slot);
    }

    @Override
    public List<Detection> decode(OnnxDetector.Slot slot) {
        return detector.decode(slot);
    }

    @Override
    public void release(OnnxDetector.Slot slot) {
        slot.close();
    }

    @Override
    public String toString() {
        return "DetectorStages[" + detector + "]";
    }
}
