package dev.edgetwin.vision;

import java.util.Objects;

/**
 * A calibrated camera mounted on the robot: projects robot-frame points to pixels and casts pixels
 * back as rays, in particular onto the floor plane (z = 0).
 *
 * <p>Immutable and thread-safe. The hot-path methods write into caller-supplied arrays so that no
 * allocation happens per call.
 */
public final class CameraModel {
    private static final int UNDISTORT_ITERATIONS = 20;

    private final CameraIntrinsics intrinsics;
    private final CameraMount mount;

    /** Row-major rotation taking optical-frame vectors (x right, y down, z forward) to robot. */
    private final double[] opticalToRobot;

    public CameraModel(CameraIntrinsics intrinsics, CameraMount mount) {
        this.intrinsics = Objects.requireNonNull(intrinsics, "intrinsics");
        this.mount = Objects.requireNonNull(mount, "mount");
        this.opticalToRobot = rotation(mount);
    }

    public CameraIntrinsics intrinsics() {
        return intrinsics;
    }

    public CameraMount mount() {
        return mount;
    }

    /**
     * Projects a robot-frame point to pixel coordinates (distortion applied).
     *
     * @param uvOut receives {u, v}
     * @return false if the point is not in front of the camera (uvOut is then untouched)
     */
    public boolean project(double x, double y, double z, double[] uvOut) {
        double dx = x - mount.x();
        double dy = y - mount.y();
        double dz = z - mount.z();
        double[] r = opticalToRobot;
        // Transposed rotation: robot -> optical.
        double ox = r[0] * dx + r[3] * dy + r[6] * dz;
        double oy = r[1] * dx + r[4] * dy + r[7] * dz;
        double oz = r[2] * dx + r[5] * dy + r[8] * dz;
        if (oz <= 1e-9) {
            return false;
        }
        double xn = ox / oz;
        double yn = oy / oz;
        CameraIntrinsics k = intrinsics;
        if (k.hasDistortion()) {
            double r2 = xn * xn + yn * yn;
            double radial = 1 + k.k1() * r2 + k.k2() * r2 * r2;
            double xd = xn * radial + 2 * k.p1() * xn * yn + k.p2() * (r2 + 2 * xn * xn);
            double yd = yn * radial + k.p1() * (r2 + 2 * yn * yn) + 2 * k.p2() * xn * yn;
            xn = xd;
            yn = yd;
        }
        uvOut[0] = k.fx() * xn + k.cx();
        uvOut[1] = k.fy() * yn + k.cy();
        return true;
    }

    /**
     * The unit direction, in the robot frame, of the ray through pixel (u, v); the ray starts at
     * the camera's mount position.
     *
     * @param dirOut receives {dx, dy, dz}
     */
    public void pixelRay(double u, double v, double[] dirOut) {
        CameraIntrinsics k = intrinsics;
        double xn = (u - k.cx()) / k.fx();
        double yn = (v - k.cy()) / k.fy();
        if (k.hasDistortion()) {
            // Fixed-point inversion of the distortion model, as OpenCV's undistortPoints does.
            double xd = xn;
            double yd = yn;
            for (int i = 0; i < UNDISTORT_ITERATIONS; i++) {
                double r2 = xn * xn + yn * yn;
                double radial = 1 + k.k1() * r2 + k.k2() * r2 * r2;
                double deltaX = 2 * k.p1() * xn * yn + k.p2() * (r2 + 2 * xn * xn);
                double deltaY = k.p1() * (r2 + 2 * yn * yn) + 2 * k.p2() * xn * yn;
                xn = (xd - deltaX) / radial;
                yn = (yd - deltaY) / radial;
            }
        }
        double[] r = opticalToRobot;
        double dx = r[0] * xn + r[1] * yn + r[2];
        double dy = r[3] * xn + r[4] * yn + r[5];
        double dz = r[6] * xn + r[7] * yn + r[8];
        double norm = Math.sqrt(dx * dx + dy * dy + dz * dz);
        dirOut[0] = dx / norm;
        dirOut[1] = dy / norm;
        dirOut[2] = dz / norm;
    }

    /**
     * Where the ray through pixel (u, v) meets the floor plane, in the robot frame.
     *
     * @param xyOut receives {x, y}
     * @return false if the ray does not point down towards the floor (at or above the horizon)
     */
    public boolean floorPoint(double u, double v, double[] xyOut) {
        double[] dir = new double[3];
        pixelRay(u, v, dir);
        if (dir[2] >= -1e-9 || mount.z() <= 0) {
            return false;
        }
        double t = -mount.z() / dir[2];
        xyOut[0] = mount.x() + t * dir[0];
        xyOut[1] = mount.y() + t * dir[1];
        return true;
    }

    private static double[] rotation(CameraMount m) {
        // Optical axes expressed in the robot frame for a camera looking along +x.
        double[] base = {
            0, 0, 1,
            -1, 0, 0,
            0, -1, 0
        };
        double[] orientation = multiply(rotZ(m.yaw()), multiply(rotY(m.pitch()), rotX(m.roll())));
        return multiply(orientation, base);
    }

    private static double[] rotX(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {1, 0, 0, 0, c, -s, 0, s, c};
    }

    private static double[] rotY(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {c, 0, s, 0, 1, 0, -s, 0, c};
    }

    private static double[] rotZ(double a) {
        double c = Math.cos(a);
        double s = Math.sin(a);
        return new double[] {c, -s, 0, s, c, 0, 0, 0, 1};
    }

    private static double[] multiply(double[] a, double[] b) {
        double[] out = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += a[3 * i + k] * b[3 * k + j];
                }
                out[3 * i + j] = sum;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "CameraModel[" + intrinsics + ", " + mount + "]";
    }
}
