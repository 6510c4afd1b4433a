package dev.edgetwin.vision;

/**
 * Pinhole intrinsics with Brown-Conrady distortion (OpenCV's k1, k2, p1, p2), for an image of
 * {@code width x height} pixels.
 */
public record CameraIntrinsics(
        int width,
        int height,
        double fx,
        double fy,
        double cx,
        double cy,
        double k1,
        double k2,
        double p1,
        double p2) {

    public CameraIntrinsics {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "camera image size must be positive, got " + width + "x" + height);
        }
        requirePositive("fx", fx);
        requirePositive("fy", fy);
        requireFinite("cx", cx);
        requireFinite("cy", cy);
        requireFinite("k1", k1);
        requireFinite("k2", k2);
        requireFinite("p1", p1);
        requireFinite("p2", p2);
    }

    /** An undistorted pinhole camera with the principal point at the image centre. */
    public static CameraIntrinsics pinhole(int width, int height, double fx, double fy) {
        return new CameraIntrinsics(width, height, fx, fy, width / 2.0, height / 2.0, 0, 0, 0, 0);
    }

    /** A centred pinhole camera whose horizontal field of view is {@code hfovDegrees}. */
    public static CameraIntrinsics fromHorizontalFov(int width, int height, double hfovDegrees) {
        if (!(hfovDegrees > 0 && hfovDegrees < 180)) {
            throw new IllegalArgumentException(
                    "horizontal field of view must be in (0, 180) degrees, got " + hfovDegrees);
        }
        double f = (width / 2.0) / Math.tan(Math.toRadians(hfovDegrees) / 2);
        return pinhole(width, height, f, f);
    }

    public boolean hasDistortion() {
        return k1 != 0 || k2 != 0 || p1 != 0 || p2 != 0;
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "camera " + name + " must be a positive number, got " + value);
        }
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("camera " + name + " must be finite, got " + value);
        }
    }
}
