package dev.edgetwin.runtime.twin;

/**
 * An object the robot sees, as the twin publishes it.
 *
 * @param label class name
 * @param confidence detector score in [0, 1]
 * @param x factory-frame centre, metres
 * @param y factory-frame centre, metres
 * @param range horizontal distance from the camera, metres
 * @param boxX1 image box in source pixels
 */
public record ObservedObject(
        String label,
        double confidence,
        double x,
        double y,
        double range,
        double boxX1,
        double boxY1,
        double boxX2,
        double boxY2) {}
