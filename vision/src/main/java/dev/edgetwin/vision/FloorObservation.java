package dev.edgetwin.vision;

/**
 * A detection placed on the floor.
 *
 * @param robotX centre in the robot frame, metres forward
 * @param robotY centre in the robot frame, metres to the left
 * @param x centre in the factory frame, metres
 * @param y centre in the factory frame, metres
 * @param range horizontal distance from the camera to the centre, metres
 */
public record FloorObservation(
        Detection detection, double robotX, double robotY, double x, double y, double range) {}
