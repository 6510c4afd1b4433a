package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameRateMeterTest {
    private static final long MS = 1_000_000L;

    @Test
    void rateIsFramesOverTheWindowAndForgetsOlderFrames() {
        FrameRateMeter meter = new FrameRateMeter(5_000 * MS);
        assertEquals(0, meter.record(0), "one frame has no rate");
        double fps = 0;
        for (long t = 100; t <= 10_000; t += 100) { // 10 fps for 10 s
            fps = meter.record(t * MS);
        }
        assertEquals(10, fps, 1e-9);
        // The camera slows to 2 fps; 5 s later only the slow frames are in the window.
        for (long t = 10_500; t <= 15_500; t += 500) {
            fps = meter.record(t * MS);
        }
        assertEquals(2, fps, 1e-9);
    }
}
