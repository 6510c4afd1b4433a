package dev.edgetwin.runtime;

import dev.edgetwin.runtime.inference.LoadedModel;
import dev.edgetwin.runtime.inference.PrecisionSelector;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.vision.OnnxDetector;

/**
 * A detector ready to serve frames: the loaded model (which owns the session) and the detector
 * bound to it (which owns its tensors). Closed detector first, then the session.
 */
final class ServingDetector implements AutoCloseable {
    private final LoadedModel model;
    private final OnnxDetector detector;
    private final TwinState.ModelInfo info;
    private final PrecisionSelector.Choice choice;

    ServingDetector(
            LoadedModel model,
            OnnxDetector detector,
            TwinState.ModelInfo info,
            PrecisionSelector.Choice choice) {
        this.model = model;
        this.detector = detector;
        this.info = info;
        this.choice = choice;
    }

    /** Which build (fp32 or int8) this is and why it serves. */
    PrecisionSelector.Choice choice() {
        return choice;
    }

    OnnxDetector detector() {
        return detector;
    }

    LoadedModel model() {
        return model;
    }

    TwinState.ModelInfo info() {
        return info;
    }

    @Override
    public void close() {
        detector.close();
        model.close();
    }
}
