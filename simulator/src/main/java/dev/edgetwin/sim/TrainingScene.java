package dev.edgetwin.sim;

import java.util.Objects;

/**
 * One scene of {@link TrainingScenes}: a still factory (everything parked) seen by the default
 * camera at scene time 0 with its own {@link RenderSettings}.
 *
 * @param seed the seed it was drawn from
 * @param scene the world; its ego robot carries the camera
 * @param settings the look of its image
 */
public record TrainingScene(long seed, FactoryScene scene, RenderSettings settings) {

    /** The camera id its frames carry. */
    public static final String CAMERA_ID = "training";

    public TrainingScene {
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(settings, "settings");
    }

    /** A camera on this scene with its settings (default camera model). */
    public SimulatedCamera camera() {
        return new SimulatedCamera(
                scene, SimulatedCamera.defaultCameraModel(), CAMERA_ID, settings);
    }

    /** The image and its ground truth. */
    public RenderedFrame render() {
        return render(null);
    }

    /**
     * As {@link #render()}, also writing which object each pixel shows into {@code objectIdsOut}
     * (row-major, width x height of the default camera; the object's id, or -1 for floor, walls,
     * shelves and ceiling), unless it is null.
     */
    public RenderedFrame render(int[] objectIdsOut) {
        return camera().render(0, 0, objectIdsOut);
    }
}
