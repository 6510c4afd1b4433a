package dev.edgetwin.vision;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Turns one detection output tensor into detections in source-image pixels: confidence threshold,
 * class-aware non-maximum suppression where the layout needs it, at most {@code maxDetections}
 * boxes, mapped back through the letterbox and clipped to the image.
 *
 * <p>Implementations reuse scratch arrays sized once at construction, so they are not thread-safe:
 * one instance per inference thread.
 */
public sealed interface DetectionDecoder permits YoloV8Decoder, YoloV5Decoder, EndToEndDecoder {

    /** The layout this decoder reads. */
    OutputLayout layout();

    /** The output shape it expects, e.g. {@code [1, 84, 8400]}. */
    long[] outputShape();

    /** The number of floats in that output. */
    int expectedLength();

    /**
     * The class names in index order; empty only for an {@link OutputLayout#END_TO_END} decoder
     * built without names, which labels class {@code k} as {@code "class" + k}.
     */
    List<String> classNames();

    /**
     * @param output the model output laid out as {@link #outputShape()} (row-major, as ONNX Runtime
     *     writes it); read with absolute gets, so its position is left alone
     * @param transform how the source image was letterboxed into the model input
     * @return detections by decreasing confidence
     * @throws IllegalArgumentException if {@code output} does not hold {@link #expectedLength()}
     *     floats
     */
    List<Detection> decode(FloatBuffer output, LetterboxTransform transform);
}
