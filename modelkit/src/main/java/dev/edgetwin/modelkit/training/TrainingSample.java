package dev.edgetwin.modelkit.training;

import static dev.edgetwin.modelkit.training.DetectorLayout.CELL;
import static dev.edgetwin.modelkit.training.DetectorLayout.CLASSES;

import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimObject;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.sim.TrainingScene;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.LetterboxPreprocessor;
import dev.edgetwin.vision.LetterboxTransform;
import java.util.List;

/**
 * One rendered training scene as the trainer needs it: the model's cell averages (through the
 * vision module's own letterbox, exactly as {@code OnnxDetector} prepares frames), per-cell class
 * labels from the renderer's object-id buffer, and the ground-truth boxes.
 *
 * @param cells [3][C*C] cell averages of the letterboxed input
 * @param labels [CLASSES][C*C]: how many of a cell's 4x4 sample points show each class (0-16)
 * @param groundTruth the frame's visible objects
 * @param letterbox how the frame sits in the input
 */
record TrainingSample(
        float[] cells, byte[] labels, List<GroundTruth> groundTruth, LetterboxTransform letterbox) {

    /** Sample points per cell side for the labels. */
    static final int LABEL_SAMPLES = 4;

    static TrainingSample render(TrainingScene scene, FeatureStack stack) {
        var objectIds = new int[SimulatedCamera.DEFAULT_WIDTH * SimulatedCamera.DEFAULT_HEIGHT];
        RenderedFrame rendered = scene.render(objectIds);
        return of(rendered, objectIds, stack);
    }

    static TrainingSample of(RenderedFrame rendered, int[] objectIds, FeatureStack stack) {
        DetectorLayout layout = stack.layout();
        Frame frame = rendered.frame();
        var pre = new LetterboxPreprocessor(layout.inputSize, layout.inputSize);
        LetterboxTransform letterbox = pre.prepare(frame);
        float[] cells = stack.cells(pre.inputBuffer());

        int[] classOf = new int[rendered.objects().size()];
        for (SimObject o : rendered.objects()) {
            classOf[o.id()] = o.objectClass().id();
        }
        int c = layout.cells;
        int n = c * c;
        byte[] labels = new byte[CLASSES * n];
        int[] count = new int[CLASSES];
        for (int y = 0; y < c; y++) {
            for (int x = 0; x < c; x++) {
                java.util.Arrays.fill(count, 0);
                for (int a = 0; a < LABEL_SAMPLES; a++) {
                    for (int b = 0; b < LABEL_SAMPLES; b++) {
                        double ix = CELL * x + (b + 0.5) * CELL / LABEL_SAMPLES;
                        double iy = CELL * y + (a + 0.5) * CELL / LABEL_SAMPLES;
                        double sx = (ix - letterbox.padX()) / letterbox.scaleX();
                        double sy = (iy - letterbox.padY()) / letterbox.scaleY();
                        if (sx < 0 || sy < 0 || sx >= frame.width() || sy >= frame.height()) {
                            continue;
                        }
                        int id = objectIds[(int) sy * frame.width() + (int) sx];
                        if (id >= 0) {
                            count[classOf[id]]++;
                        }
                    }
                }
                for (int k = 0; k < CLASSES; k++) {
                    labels[k * n + y * c + x] = (byte) count[k];
                }
            }
        }
        return new TrainingSample(cells, labels, rendered.groundTruth(), letterbox);
    }

    @Override
    public String toString() {
        return "TrainingSample["
                + cells.length
                + " cell values, "
                + groundTruth.size()
                + " objects]";
    }
}
