package dev.edgetwin.runtime.pipeline;

import dev.edgetwin.runtime.CapturedFrame;

/**
 * Where a {@link VisionPipeline}'s frames come from; called by its capture thread only. A {@link
 * dev.edgetwin.runtime.FrameFeed}'s {@code next} is one ({@code feed::next}).
 */
@FunctionalInterface
public interface FrameSource {
    /** Blocks until the next frame is due and returns it; null when there are no more. */
    CapturedFrame next() throws InterruptedException;
}
