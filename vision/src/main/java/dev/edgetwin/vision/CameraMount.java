package dev.edgetwin.vision;

/**
 * Where a camera sits on the robot base and where it looks: position in metres in the robot frame
 * (x forward, y left, z up, origin on the floor under the base's centre) and orientation in
 * radians. With all angles zero the camera looks straight ahead along the robot's x axis; positive
 * {@code pitch} tilts it down, positive {@code yaw} turns it left, {@code roll} turns it about its
 * viewing axis.
 */
public record CameraMount(double x, double y, double z, double yaw, double pitch, double roll) {

    public CameraMount {
        for (double v : new double[] {x, y, z, yaw, pitch, roll}) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException(
                        "camera mount must be finite, got x="
                                + x
                                + " y="
                                + y
                                + " z="
                                + z
                                + " yaw="
                                + yaw
                                + " pitch="
                                + pitch
                                + " roll="
                                + roll);
            }
        }
    }

    /** A forward-looking camera at height {@code z}, tilted down by {@code pitchDegrees}. */
    public static CameraMount forward(double x, double z, double pitchDegrees) {
        return new CameraMount(x, 0, z, 0, Math.toRadians(pitchDegrees), 0);
    }
}
