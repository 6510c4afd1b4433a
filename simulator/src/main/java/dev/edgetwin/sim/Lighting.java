package dev.edgetwin.sim;

/**
 * One fixed directional light plus ambient. A lit colour is {@code base * shade(normal)} with the
 * same factor on all three channels, so chromaticity never changes, and the factor stays within
 * {@code [MIN_SHADE, MAX_SHADE]}: a detector can rely on both.
 */
final class Lighting {
    static final float MIN_SHADE = 0.55f;
    static final float MAX_SHADE = 1.0f;

    /** Unit vector towards the light, in the factory frame: high, from -x (the camera's back). */
    static final double LIGHT_X = -0.4;

    static final double LIGHT_Y = 0.3;
    static final double LIGHT_Z = Math.sqrt(1 - LIGHT_X * LIGHT_X - LIGHT_Y * LIGHT_Y);

    private Lighting() {}

    /** Shading factor for a surface with unit normal {@code n} (factory frame). */
    static float shade(double nx, double ny, double nz) {
        double lambert = nx * LIGHT_X + ny * LIGHT_Y + nz * LIGHT_Z;
        return MIN_SHADE + (MAX_SHADE - MIN_SHADE) * (float) Math.max(0, Math.min(1, lambert));
    }
}
