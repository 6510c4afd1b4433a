package dev.edgetwin.planner;

/**
 * Which floor cells the robot's sensors have observed well enough that an obstacle there would be
 * among the snapshot's tracks. Floor outside it is unknown, not free: the {@link Planner} limits
 * the robot's speed so that it can stop before driving into it (see {@link ObservedSpeedLimit}).
 *
 * <p>Immutable: built from a copy of the caller's grid. {@link #everywhere()} is for callers whose
 * perception covers all the floor (tests, a ground-truth feed).
 */
public final class ObservedSpace {
    private static final ObservedSpace EVERYWHERE = new ObservedSpace();

    private final int width;
    private final int height;
    private final double resolution;
    private final double originX;
    private final double originY;
    private final boolean[] observed;

    private ObservedSpace() {
        this.width = 0;
        this.height = 0;
        this.resolution = 1;
        this.originX = 0;
        this.originY = 0;
        this.observed = null;
    }

    /**
     * @param observed row-major, {@code width * height} cells of {@code resolution} metres, cell
     *     (0, 0) with its lower left corner at ({@code originX}, {@code originY}); copied
     */
    public ObservedSpace(
            int width,
            int height,
            double resolution,
            double originX,
            double originY,
            boolean[] observed) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "ObservedSpace: width and height must be > 0, got " + width + " x " + height);
        }
        if (!(resolution > 0) || !Double.isFinite(resolution)) {
            throw new IllegalArgumentException(
                    "ObservedSpace.resolution must be > 0, got " + resolution);
        }
        if (!Double.isFinite(originX) || !Double.isFinite(originY)) {
            throw new IllegalArgumentException(
                    "ObservedSpace: origin must be finite, got (" + originX + ", " + originY + ")");
        }
        if (observed == null || observed.length != width * height) {
            throw new IllegalArgumentException(
                    "ObservedSpace: expected "
                            + width * height
                            + " cells, got "
                            + (observed == null ? "null" : observed.length));
        }
        this.width = width;
        this.height = height;
        this.resolution = resolution;
        this.originX = originX;
        this.originY = originY;
        this.observed = observed.clone();
    }

    /** All the floor observed: no speed limit from unobserved floor. */
    public static ObservedSpace everywhere() {
        return EVERYWHERE;
    }

    public boolean isEverywhere() {
        return observed == null;
    }

    /** Whether the floor at (x, y) has been observed; outside the grid it has not. */
    public boolean observed(double x, double y) {
        if (observed == null) {
            return true;
        }
        int col = (int) Math.floor((x - originX) / resolution);
        int row = (int) Math.floor((y - originY) / resolution);
        if (col < 0 || row < 0 || col >= width || row >= height) {
            return false;
        }
        return observed[row * width + col];
    }

    @Override
    public String toString() {
        if (observed == null) {
            return "ObservedSpace[everywhere]";
        }
        int n = 0;
        for (boolean b : observed) {
            n += b ? 1 : 0;
        }
        return "ObservedSpace["
                + width
                + " x "
                + height
                + " at "
                + resolution
                + " m, "
                + n
                + " observed]";
    }
}
