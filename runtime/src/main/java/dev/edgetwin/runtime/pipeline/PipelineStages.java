package dev.edgetwin.runtime.pipeline;

import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.Frame;
import java.util.List;

/**
 * The work of a {@link VisionPipeline}, split into the steps that run on its threads, each on a
 * buffer that carries one frame from step to step. The pipeline allocates its buffers once, with
 * {@link #newBuffer()}, and rotates them: a buffer is in one step at a time, handed on with a
 * happens-before edge, and never written while a later step reads it.
 *
 * <p>Threads: {@link #newBuffer()} on the thread that starts the pipeline; {@link #prepare} on
 * "pipeline-preprocess" only, {@link #infer} on "pipeline-inference" only, {@link #decode} on
 * "pipeline-postprocess" only. A step that throws fails that frame only.
 *
 * @param <B> the buffer type, e.g. {@link dev.edgetwin.vision.OnnxDetector.Slot}
 */
public interface PipelineStages<B> {

    /** A new buffer; it must be independent of every other buffer. */
    B newBuffer() throws Exception;

    /** Preprocessing: fills {@code buffer}'s input from {@code frame} (letterbox). */
    void prepare(Frame frame, B buffer) throws Exception;

    /** Inference: runs the model on {@code buffer}'s input into its output. */
    void infer(B buffer) throws Exception;

    /** Post-processing: {@code buffer}'s output as detections (decode + NMS). */
    List<Detection> decode(B buffer) throws Exception;

    /** Releases a buffer, when the pipeline closes. */
    void release(B buffer);

    /**
     * What produced the frame {@code buffer} carries, for {@link PipelineResult#producer()} (e.g.
     * which model, when stages can be swapped); called on the post-processing thread after {@link
     * #decode}. The stages themselves by default.
     */
    default Object producer(B buffer) {
        return this;
    }
}
