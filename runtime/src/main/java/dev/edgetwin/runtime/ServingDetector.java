package dev.edgetwin.runtime;

import dev.edgetwin.runtime.inference.LoadedModel;
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

    ServingDetector(LoadedModel model, OnnxDetector detector, TwinState.ModelInfo info) {
        this.model = model;
        this.detector = detector;
        this.info = info;
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
