package dev.edgetwin.sim;

import dev.edgetwin.vision.CameraIntrinsics;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * Renders a {@link FactoryScene} from the camera on its ego robot by ray casting, with ground truth
 * for every visible object.
 *
 * <p>Pixel {@code (i, j)} shows the ray through image point {@code (i + 0.5, j + 0.5)} of the
 * {@link CameraModel}, i.e. pixel {@code (i, j)} covers {@code [i, i+1) x [j, j+1)}. The nearest of
 * the floor, the hall walls, the shelves and the objects wins; nothing is anti-aliased. Colours
 * follow the contract in {@link Lighting}: base colour times a factor in [0.55, 1.0], plus optional
 * Gaussian noise that is a pure function of (scene seed, scene time).
 *
 * <p>Thread-safety: {@link #render} is synchronized; it reuses its working buffers, never the
 * returned pixels. It assumes the camera is inside the hall and outside every object.
 */
public final class SimulatedCamera {
    /** Image size of {@link #defaultCameraModel()}. */
    public static final int DEFAULT_WIDTH = 640;

    public static final int DEFAULT_HEIGHT = 480;

    /** The camera id {@link #SimulatedCamera(FactoryScene)} stamps on its frames. */
    public static final String DEFAULT_CAMERA_ID = "sim";

    static final double DEFAULT_HORIZONTAL_FOV_DEGREES = 70;
    static final double DEFAULT_MOUNT_X = 0.25;
    static final double DEFAULT_MOUNT_Z = 1.1;
    static final double DEFAULT_PITCH_DEGREES = 12;

    /** Corners closer than this to the camera plane are clipped before projecting bounds. */
    private static final double NEAR_PLANE = 1e-3;

    private static final double MIN_HIT_DISTANCE = 1e-6;
    private static final int NO_OBJECT = -1;

    private final FactoryScene scene;
    private final CameraModel model;
    private final String cameraId;
    private final RenderSettings settings;
    private final Lighting lighting;
    private final boolean cullToScreenRect;
    private final int width;
    private final int height;

    /** Unit ray per pixel in the robot frame; only the ego yaw changes per frame. */
    private final float[] rayX;

    private final float[] rayY;
    private final float[] rayZ;
    private final double[] opticalAxis = new double[3];

    private final float[] depth;
    private final float[] shade;

    /** Lit, interleaved RGB before noise and rounding (and before blur, when there is one). */
    private final float[] lit;

    private final float[] blurred;
    private final byte[] material;
    private final int[] objectIds;

    private final int[] silhouettePixels;
    private final boolean[] touchesBorder;
    private final int[] visiblePixels;
    private final int[] minX;
    private final int[] minY;
    private final int[] maxX;
    private final int[] maxY;

    private final double[] corners = new double[8 * 3];
    private final double[] cornerDepths = new double[8];
    private final double[] uv = new double[2];
    private final double[] bounds = new double[4];
    private final int[] rect = new int[4];

    // Per-frame ray origin and ego orientation, set at the start of render().
    private double originX;
    private double originY;
    private double originZ;
    private double egoX;
    private double egoY;
    private double egoYaw;
    private double egoCos;
    private double egoSin;

    /** The default camera on the demo's ego robot, without noise. */
    public SimulatedCamera(FactoryScene scene) {
        this(scene, defaultCameraModel(), DEFAULT_CAMERA_ID, 0);
    }

    /**
     * @param noiseSigma standard deviation of the per-channel Gaussian noise in 0-255 levels, 0 for
     *     none
     */
    public SimulatedCamera(
            FactoryScene scene, CameraModel model, String cameraId, double noiseSigma) {
        this(scene, model, cameraId, noiseSettings(noiseSigma), true);
    }

    /**
     * A camera with its own exposure, white balance, light, noise and blur (see {@link
     * RenderSettings}); {@link RenderSettings#defaults()} renders exactly as {@link
     * #SimulatedCamera(FactoryScene)} does.
     */
    public SimulatedCamera(
            FactoryScene scene, CameraModel model, String cameraId, RenderSettings settings) {
        this(scene, model, cameraId, settings, true);
    }

    /**
     * @param cullToScreenRect false tests every shelf and object against every pixel: slow, for
     *     tests that check the screen rectangles never cut anything off
     */
    SimulatedCamera(
            FactoryScene scene,
            CameraModel model,
            String cameraId,
            double noiseSigma,
            boolean cullToScreenRect) {
        this(scene, model, cameraId, noiseSettings(noiseSigma), cullToScreenRect);
    }

    private SimulatedCamera(
            FactoryScene scene,
            CameraModel model,
            String cameraId,
            RenderSettings settings,
            boolean cullToScreenRect) {
        this.cullToScreenRect = cullToScreenRect;
        this.scene = Objects.requireNonNull(scene, "scene");
        this.model = Objects.requireNonNull(model, "model");
        this.cameraId = Objects.requireNonNull(cameraId, "cameraId");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.lighting = Lighting.of(settings);
        CameraIntrinsics k = model.intrinsics();
        width = k.width();
        height = k.height();
        int n = width * height;
        rayX = new float[n];
        rayY = new float[n];
        rayZ = new float[n];
        double[] dir = new double[3];
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                model.pixelRay(u + 0.5, v + 0.5, dir);
                int p = v * width + u;
                rayX[p] = (float) dir[0];
                rayY[p] = (float) dir[1];
                rayZ[p] = (float) dir[2];
            }
        }
        // The principal point's ray is the optical axis, with or without distortion.
        model.pixelRay(k.cx(), k.cy(), opticalAxis);
        depth = new float[n];
        shade = new float[n];
        lit = new float[3 * n];
        blurred = settings.blurSigma() > 0 ? new float[3 * n] : null;
        material = new byte[n];
        objectIds = new int[n];
        int objects = scene.objectCount();
        silhouettePixels = new int[objects];
        touchesBorder = new boolean[objects];
        visiblePixels = new int[objects];
        minX = new int[objects];
        minY = new int[objects];
        maxX = new int[objects];
        maxY = new int[objects];
        Logger.debug("Simulated camera {} ready: {} on {}", cameraId, model, scene);
    }

    /**
     * 640x480, 70 degree horizontal field of view (fx = fy = 457.0 px, principal point at the image
     * centre, no distortion), mounted on the robot's centre line 0.25 m ahead of its centre and 1.1
     * m above the floor, pitched 12 degrees down. The horizon is at v = 142.9, so rows 143 and
     * below see the floor, from 1.33 m ahead of the camera at the bottom row; a 1.7 m person fits
     * the image from about 2.2 m away.
     */
    public static CameraModel defaultCameraModel() {
        return new CameraModel(
                CameraIntrinsics.fromHorizontalFov(
                        DEFAULT_WIDTH, DEFAULT_HEIGHT, DEFAULT_HORIZONTAL_FOV_DEGREES),
                CameraMount.forward(DEFAULT_MOUNT_X, DEFAULT_MOUNT_Z, DEFAULT_PITCH_DEGREES));
    }

    public FactoryScene scene() {
        return scene;
    }

    /** The id stamped on its frames. */
    public String cameraId() {
        return cameraId;
    }

    public CameraModel cameraModel() {
        return model;
    }

    public double noiseSigma() {
        return settings.noiseSigma();
    }

    public RenderSettings settings() {
        return settings;
    }

    private static RenderSettings noiseSettings(double noiseSigma) {
        if (!(noiseSigma >= 0 && noiseSigma <= 255)) {
            throw new IllegalArgumentException(
                    "noiseSigma must be in [0, 255] levels, got " + noiseSigma);
        }
        return RenderSettings.defaults().withNoise(noiseSigma);
    }

    /**
     * Renders the scene at {@code simTimeSeconds}.
     *
     * @param captureTimeNanos stamped on the frame as its capture time (Unix epoch nanoseconds)
     * @return a frame with a freshly allocated pixel array, and its ground truth
     */
    public RenderedFrame render(double simTimeSeconds, long captureTimeNanos) {
        return render(simTimeSeconds, captureTimeNanos, null);
    }

    /**
     * As {@link #render(double, long)}, also copying out which object each pixel shows (its id, or
     * -1 for floor, walls, shelves and ceiling).
     */
    RenderedFrame render(double simTimeSeconds, long captureTimeNanos, int[] objectIdsOut) {
        return render(
                simTimeSeconds, scene.egoPoseAt(simTimeSeconds), captureTimeNanos, objectIdsOut);
    }

    /**
     * The scene's objects at {@code simTimeSeconds} seen from the ego robot at {@code ego} instead
     * of the scene's own ego pose: for a robot driven in closed loop (its base decides where it
     * is). The ground truth's robot-frame positions are relative to {@code ego}.
     */
    public RenderedFrame render(double simTimeSeconds, RobotPose ego, long captureTimeNanos) {
        return render(simTimeSeconds, Objects.requireNonNull(ego, "ego"), captureTimeNanos, null);
    }

    private synchronized RenderedFrame render(
            double simTimeSeconds, RobotPose ego, long captureTimeNanos, int[] objectIdsOut) {
        if (objectIdsOut != null && objectIdsOut.length != objectIds.length) {
            throw new IllegalArgumentException(
                    "objectIdsOut must have "
                            + objectIds.length
                            + " entries, got "
                            + objectIdsOut.length);
        }
        List<SimObject> objects = scene.objectsAt(simTimeSeconds);
        CameraMount mount = model.mount();
        egoX = ego.x();
        egoY = ego.y();
        egoYaw = ego.yaw();
        egoCos = StrictMath.cos(egoYaw);
        egoSin = StrictMath.sin(egoYaw);
        originX = egoX + egoCos * mount.x() - egoSin * mount.y();
        originY = egoY + egoSin * mount.x() + egoCos * mount.y();
        originZ = mount.z();

        drawHall();
        for (Shelf shelf : scene.shelves()) {
            double hx = (shelf.x1() - shelf.x0()) / 2;
            double hy = (shelf.y1() - shelf.y0()) / 2;
            if (screenRect(shelf.centreX(), shelf.centreY(), 0, hx, hy, shelf.height())) {
                drawCuboid(
                        shelf.centreX(),
                        shelf.centreY(),
                        0,
                        hx,
                        hy,
                        shelf.height(),
                        Material.SHELF,
                        NO_OBJECT);
            }
        }
        Arrays.fill(silhouettePixels, 0);
        Arrays.fill(touchesBorder, false);
        for (SimObject o : objects) {
            Material m = Material.of(o.objectClass());
            if (o.objectClass() == ObjectClass.PERSON) {
                double r = o.length() / 2;
                if (screenRect(o.x(), o.y(), 0, r, r, o.height())) {
                    drawCylinder(o.x(), o.y(), r, o.height(), m, o.id());
                }
            } else {
                double hx = o.length() / 2;
                double hy = o.width() / 2;
                if (screenRect(o.x(), o.y(), o.yaw(), hx, hy, o.height())) {
                    drawCuboid(o.x(), o.y(), o.yaw(), hx, hy, o.height(), m, o.id());
                }
            }
        }
        byte[] rgb = compose(simTimeSeconds);
        if (objectIdsOut != null) {
            System.arraycopy(objectIds, 0, objectIdsOut, 0, objectIds.length);
        }
        Frame frame = new Frame(cameraId, captureTimeNanos, width, height, rgb);
        return new RenderedFrame(simTimeSeconds, frame, ego, objects, groundTruth(ego, objects));
    }

    /** Floor (with markings), the four hall walls and, above them, the ceiling: every pixel. */
    private void drawHall() {
        final double ox = originX;
        final double oy = originY;
        final double oz = originZ;
        final double c = egoCos;
        final double s = egoSin;
        final double hallX = FactoryScene.HALL_LENGTH;
        final double hallY = FactoryScene.HALL_WIDTH;
        final float floorShade = lighting.shade(0, 0, 1);
        final float wallFacingPlusX = lighting.shade(1, 0, 0);
        final float wallFacingMinusX = lighting.shade(-1, 0, 0);
        final float wallFacingPlusY = lighting.shade(0, 1, 0);
        final float wallFacingMinusY = lighting.shade(0, -1, 0);
        final byte floor = (byte) Material.FLOOR.ordinal();
        final byte marking = (byte) Material.MARKING.ordinal();
        final byte wall = (byte) Material.WALL.ordinal();
        final byte ceiling = (byte) Material.CEILING.ordinal();
        final FloorMarking[] markings = scene.markings().toArray(new FloorMarking[0]);
        Arrays.fill(objectIds, NO_OBJECT);
        int n = width * height;
        for (int p = 0; p < n; p++) {
            double rx = rayX[p];
            double ry = rayY[p];
            double dz = rayZ[p];
            double dx = c * rx - s * ry;
            double dy = s * rx + c * ry;
            double tx = dx > 0 ? (hallX - ox) / dx : dx < 0 ? -ox / dx : Double.POSITIVE_INFINITY;
            double ty = dy > 0 ? (hallY - oy) / dy : dy < 0 ? -oy / dy : Double.POSITIVE_INFINITY;
            double tWall = Math.min(tx, ty);
            if (dz < 0) {
                double tFloor = -oz / dz;
                if (tFloor <= tWall) {
                    double fx = ox + tFloor * dx;
                    double fy = oy + tFloor * dy;
                    byte m = floor;
                    for (FloorMarking mark : markings) {
                        if (mark.contains(fx, fy)) {
                            m = marking;
                            break;
                        }
                    }
                    depth[p] = (float) tFloor;
                    material[p] = m;
                    shade[p] = floorShade;
                    continue;
                }
            }
            if (oz + tWall * dz < FactoryScene.WALL_HEIGHT) {
                depth[p] = (float) tWall;
                material[p] = wall;
                if (tx <= ty) {
                    shade[p] = dx > 0 ? wallFacingMinusX : wallFacingPlusX;
                } else {
                    shade[p] = dy > 0 ? wallFacingMinusY : wallFacingPlusY;
                }
            } else {
                depth[p] = Float.POSITIVE_INFINITY;
                material[p] = ceiling;
                shade[p] = 1f;
            }
        }
    }

    /**
     * A cuboid of half extents (hx, hy) around (cx, cy), turned by yaw, from z = 0 to h. Ray and
     * box meet in the box's own frame, so the intersection is an axis-aligned slab test.
     */
    private void drawCuboid(
            double cx, double cy, double yaw, double hx, double hy, double h, Material m, int id) {
        double c = StrictMath.cos(yaw);
        double s = StrictMath.sin(yaw);
        double ex = originX - cx;
        double ey = originY - cy;
        final double lox = c * ex + s * ey;
        final double loy = -s * ex + c * ey;
        final double loz = originZ;
        // Robot-frame ray to box frame: rotate by (ego yaw - box yaw).
        double relative = egoYaw - yaw;
        final double rc = StrictMath.cos(relative);
        final double rs = StrictMath.sin(relative);
        // Faces: -x, +x, -y, +y, bottom, top, with the box's axes expressed in the factory frame.
        final float[] faceShade = {
            lighting.shade(-c, -s, 0),
            lighting.shade(c, s, 0),
            lighting.shade(s, -c, 0),
            lighting.shade(-s, c, 0),
            lighting.shade(0, 0, -1),
            lighting.shade(0, 0, 1)
        };
        final byte mat = (byte) m.ordinal();
        final boolean stats = id >= 0;
        for (int v = rect[1]; v < rect[3]; v++) {
            int row = v * width;
            boolean borderRow = v == 0 || v == height - 1;
            for (int u = rect[0]; u < rect[2]; u++) {
                int p = row + u;
                double rx = rayX[p];
                double ry = rayY[p];
                double dx = rc * rx - rs * ry;
                double dy = rs * rx + rc * ry;
                double dz = rayZ[p];
                double near;
                double far;
                int face;
                if (dx != 0) {
                    double t1 = (-hx - lox) / dx;
                    double t2 = (hx - lox) / dx;
                    if (t1 < t2) {
                        near = t1;
                        far = t2;
                        face = 0;
                    } else {
                        near = t2;
                        far = t1;
                        face = 1;
                    }
                } else if (lox < -hx || lox > hx) {
                    continue;
                } else {
                    near = Double.NEGATIVE_INFINITY;
                    far = Double.POSITIVE_INFINITY;
                    face = -1;
                }
                if (dy != 0) {
                    double t1 = (-hy - loy) / dy;
                    double t2 = (hy - loy) / dy;
                    double tNear = Math.min(t1, t2);
                    far = Math.min(far, Math.max(t1, t2));
                    if (tNear > near) {
                        near = tNear;
                        face = t1 < t2 ? 2 : 3;
                    }
                } else if (loy < -hy || loy > hy) {
                    continue;
                }
                if (dz != 0) {
                    double t1 = -loz / dz;
                    double t2 = (h - loz) / dz;
                    double tNear = Math.min(t1, t2);
                    far = Math.min(far, Math.max(t1, t2));
                    if (tNear > near) {
                        near = tNear;
                        face = t1 < t2 ? 4 : 5;
                    }
                } else if (loz < 0 || loz > h) {
                    continue;
                }
                if (near > far || near <= MIN_HIT_DISTANCE) {
                    continue;
                }
                if (stats) {
                    silhouettePixels[id]++;
                    if (borderRow || u == 0 || u == width - 1) {
                        touchesBorder[id] = true;
                    }
                }
                if (near < depth[p]) {
                    depth[p] = (float) near;
                    material[p] = mat;
                    shade[p] = faceShade[face];
                    objectIds[p] = id;
                }
            }
        }
    }

    /** A vertical cylinder of radius r around (cx, cy), from z = 0 to h, closed at the top. */
    private void drawCylinder(double cx, double cy, double r, double h, Material m, int id) {
        final double lox = originX - cx;
        final double loy = originY - cy;
        final double loz = originZ;
        final double c = egoCos;
        final double s = egoSin;
        final double originOutside = lox * lox + loy * loy - r * r;
        final float topShade = lighting.shade(0, 0, 1);
        final byte mat = (byte) m.ordinal();
        for (int v = rect[1]; v < rect[3]; v++) {
            int row = v * width;
            boolean borderRow = v == 0 || v == height - 1;
            for (int u = rect[0]; u < rect[2]; u++) {
                int p = row + u;
                double rx = rayX[p];
                double ry = rayY[p];
                double dx = c * rx - s * ry;
                double dy = s * rx + c * ry;
                double dz = rayZ[p];
                double a = dx * dx + dy * dy;
                double near;
                double far;
                if (a > 1e-18) {
                    double halfB = lox * dx + loy * dy;
                    double disc = halfB * halfB - a * originOutside;
                    if (disc < 0) {
                        continue;
                    }
                    double root = Math.sqrt(disc);
                    near = (-halfB - root) / a;
                    far = (-halfB + root) / a;
                } else if (originOutside > 0) {
                    continue;
                } else {
                    near = Double.NEGATIVE_INFINITY;
                    far = Double.POSITIVE_INFINITY;
                }
                boolean side = true;
                if (dz != 0) {
                    double t1 = -loz / dz;
                    double t2 = (h - loz) / dz;
                    double tNear = Math.min(t1, t2);
                    far = Math.min(far, Math.max(t1, t2));
                    if (tNear > near) {
                        near = tNear;
                        side = false;
                    }
                } else if (loz < 0 || loz > h) {
                    continue;
                }
                if (near > far || near <= MIN_HIT_DISTANCE) {
                    continue;
                }
                silhouettePixels[id]++;
                if (borderRow || u == 0 || u == width - 1) {
                    touchesBorder[id] = true;
                }
                if (near < depth[p]) {
                    depth[p] = (float) near;
                    material[p] = mat;
                    // Only a ray from above can enter through a cap: the top.
                    shade[p] =
                            side
                                    ? lighting.shade(
                                            (lox + near * dx) / r, (loy + near * dy) / r, 0)
                                    : topShade;
                    objectIds[p] = id;
                }
            }
        }
    }

    /**
     * Sets {@link #rect} to the pixels whose rays can hit the box of half extents (hx, hy) around
     * (cx, cy), turned by yaw, from z = 0 to h. The box is clipped at the camera's near plane
     * first, so that a box beside or partly behind the camera still gets a tight rectangle.
     *
     * @return false if no pixel can see it
     */
    private boolean screenRect(double cx, double cy, double yaw, double hx, double hy, double h) {
        double c = StrictMath.cos(yaw);
        double s = StrictMath.sin(yaw);
        CameraMount mount = model.mount();
        int inFront = 0;
        for (int i = 0; i < 8; i++) {
            double lx = (i & 1) == 0 ? -hx : hx;
            double ly = (i & 2) == 0 ? -hy : hy;
            double fx = cx + c * lx - s * ly - egoX;
            double fy = cy + s * lx + c * ly - egoY;
            double x = egoCos * fx + egoSin * fy;
            double y = -egoSin * fx + egoCos * fy;
            double z = (i & 4) == 0 ? 0 : h;
            corners[3 * i] = x;
            corners[3 * i + 1] = y;
            corners[3 * i + 2] = z;
            double d =
                    opticalAxis[0] * (x - mount.x())
                            + opticalAxis[1] * (y - mount.y())
                            + opticalAxis[2] * (z - mount.z());
            cornerDepths[i] = d;
            if (d >= NEAR_PLANE) {
                inFront++;
            }
        }
        if (inFront == 0) {
            return false;
        }
        if (!cullToScreenRect) {
            return clipRect(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, 1e300);
        }
        boolean distorted = model.intrinsics().hasDistortion();
        if (distorted && inFront < 8) {
            // A distorted projection of a clipped box is not bounded by its projected corners.
            return clipRect(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, 1e300);
        }
        bounds[0] = Double.POSITIVE_INFINITY;
        bounds[1] = Double.POSITIVE_INFINITY;
        bounds[2] = Double.NEGATIVE_INFINITY;
        bounds[3] = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 8; i++) {
            if (cornerDepths[i] >= NEAR_PLANE) {
                extendBounds(corners[3 * i], corners[3 * i + 1], corners[3 * i + 2]);
            }
        }
        // Edges join corners that differ in one index bit.
        for (int i = 0; i < 8; i++) {
            for (int bit = 1; bit < 8; bit <<= 1) {
                int j = i | bit;
                if (j == i) {
                    continue;
                }
                double di = cornerDepths[i];
                double dj = cornerDepths[j];
                if ((di >= NEAR_PLANE) != (dj >= NEAR_PLANE)) {
                    double f = (NEAR_PLANE - di) / (dj - di);
                    extendBounds(lerp(i, j, f, 0), lerp(i, j, f, 1), lerp(i, j, f, 2));
                } else if (distorted) {
                    // Curved images of straight edges: sample along them.
                    for (int k = 1; k < 16; k++) {
                        double f = k / 16.0;
                        extendBounds(lerp(i, j, f, 0), lerp(i, j, f, 1), lerp(i, j, f, 2));
                    }
                }
            }
        }
        return clipRect(bounds[0], bounds[1], bounds[2], bounds[3]);
    }

    private double lerp(int i, int j, double f, int axis) {
        return corners[3 * i + axis] + f * (corners[3 * j + axis] - corners[3 * i + axis]);
    }

    private void extendBounds(double x, double y, double z) {
        if (model.project(x, y, z, uv)) {
            bounds[0] = Math.min(bounds[0], uv[0]);
            bounds[1] = Math.min(bounds[1], uv[1]);
            bounds[2] = Math.max(bounds[2], uv[0]);
            bounds[3] = Math.max(bounds[3], uv[1]);
        }
    }

    /** Pixels whose centres lie in [u0, u1] x [v0, v1], with a pixel of margin for rounding. */
    private boolean clipRect(double u0, double v0, double u1, double v1) {
        if (!(u0 <= u1 && v0 <= v1)) {
            return false;
        }
        rect[0] = (int) Math.max(0, Math.floor(Math.max(u0, -1)) - 1);
        rect[1] = (int) Math.max(0, Math.floor(Math.max(v0, -1)) - 1);
        rect[2] = (int) Math.min(width, Math.ceil(Math.min(u1, width + 1.0)) + 1);
        rect[3] = (int) Math.min(height, Math.ceil(Math.min(v1, height + 1.0)) + 1);
        return rect[0] < rect[2] && rect[1] < rect[3];
    }

    /**
     * Lit colours (exposure and white balance included), blur, noise into a new pixel array, and
     * each object's visible pixels and box.
     */
    private byte[] compose(double simTimeSeconds) {
        Arrays.fill(visiblePixels, 0);
        Arrays.fill(minX, Integer.MAX_VALUE);
        Arrays.fill(minY, Integer.MAX_VALUE);
        Arrays.fill(maxX, Integer.MIN_VALUE);
        Arrays.fill(maxY, Integer.MIN_VALUE);
        Material[] materials = Material.values();
        float[] red = new float[materials.length];
        float[] green = new float[materials.length];
        float[] blue = new float[materials.length];
        double exposure = settings.exposure();
        for (Material m : materials) {
            // Exactly the base colour with the default settings (gains of 1).
            red[m.ordinal()] = (float) (m.red * (exposure * settings.redGain()));
            green[m.ordinal()] = (float) (m.green * (exposure * settings.greenGain()));
            blue[m.ordinal()] = (float) (m.blue * (exposure * settings.blueGain()));
        }
        for (int v = 0, p = 0; v < height; v++) {
            for (int u = 0; u < width; u++, p++) {
                int m = material[p];
                float f = shade[p];
                lit[3 * p] = red[m] * f;
                lit[3 * p + 1] = green[m] * f;
                lit[3 * p + 2] = blue[m] * f;
                int id = objectIds[p];
                if (id >= 0) {
                    visiblePixels[id]++;
                    minX[id] = Math.min(minX[id], u);
                    minY[id] = Math.min(minY[id], v);
                    maxX[id] = Math.max(maxX[id], u);
                    maxY[id] = Math.max(maxY[id], v);
                }
            }
        }
        float[] image = lit;
        if (blurred != null) {
            GaussianBlur.apply(lit, blurred, width, height, settings.blurSigma());
            image = blurred;
        }
        byte[] rgb = new byte[3 * width * height];
        double noiseSigma = settings.noiseSigma();
        SensorNoise noise = noiseSigma > 0 ? new SensorNoise(scene.seed(), simTimeSeconds) : null;
        float sigma = (float) noiseSigma;
        int n = width * height;
        for (int p = 0; p < n; p++) {
            float r = image[3 * p];
            float g = image[3 * p + 1];
            float b = image[3 * p + 2];
            if (noise != null) {
                long bits = noise.nextBits();
                r += sigma * SensorNoise.gaussian(bits, 0);
                g += sigma * SensorNoise.gaussian(bits, 1);
                b += sigma * SensorNoise.gaussian(bits, 2);
            }
            rgb[3 * p] = toByte(r);
            rgb[3 * p + 1] = toByte(g);
            rgb[3 * p + 2] = toByte(b);
        }
        return rgb;
    }

    private static byte toByte(float value) {
        float rounded = value + 0.5f;
        if (rounded <= 0) {
            return 0;
        }
        return rounded >= 255 ? (byte) 255 : (byte) (int) rounded;
    }

    private List<GroundTruth> groundTruth(RobotPose ego, List<SimObject> objects) {
        List<GroundTruth> out = new ArrayList<>();
        for (SimObject o : objects) {
            int id = o.id();
            if (visiblePixels[id] == 0) {
                continue;
            }
            double dx = o.x() - egoX;
            double dy = o.y() - egoY;
            double robotX = egoCos * dx + egoSin * dy;
            double robotY = -egoSin * dx + egoCos * dy;
            double contactU = Double.NaN;
            double contactV = Double.NaN;
            if (model.project(robotX, robotY, 0, uv)) {
                contactU = uv[0];
                contactV = uv[1];
            }
            out.add(
                    new GroundTruth(
                            id,
                            o.objectClass(),
                            o.x(),
                            o.y(),
                            robotX,
                            robotY,
                            minX[id],
                            minY[id],
                            maxX[id] + 1,
                            maxY[id] + 1,
                            visiblePixels[id],
                            silhouettePixels[id],
                            touchesBorder[id],
                            contactU,
                            contactV));
        }
        return out;
    }

    @Override
    public String toString() {
        return "SimulatedCamera["
                + cameraId
                + ", "
                + width
                + "x"
                + height
                + ", noiseSigma="
                + settings.noiseSigma()
                + (settings.blurSigma() > 0 ? ", blurSigma=" + settings.blurSigma() : "")
                + ", "
                + scene
                + "]";
    }
}
