package dev.edgetwin.sim;

/**
 * One directional light plus ambient. A lit colour is {@code base * shade(normal)} with the same
 * factor on all three channels, so shading never changes chromaticity, and the factor stays within
 * {@code [minShade, MAX_SHADE]}. {@link #DEFAULT} is the demo camera's light: a detector can rely
 * on both properties there (see the colour contract in the README).
 */
final class Lighting {
    static final float MIN_SHADE = 0.55f;
    static final float MAX_SHADE = 1.0f;

    /** Unit vector towards the default light, in the factory frame: high, from -x. */
    static final double LIGHT_X = -0.4;

    static final double LIGHT_Y = 0.3;
    static final double LIGHT_Z = Math.sqrt(1 - LIGHT_X * LIGHT_X - LIGHT_Y * LIGHT_Y);

    static final Lighting DEFAULT = new Lighting(LIGHT_X, LIGHT_Y, LIGHT_Z, MIN_SHADE);

    private final double lightX;
    private final double lightY;
    private final double lightZ;
    private final float minShade;

    private Lighting(double lightX, double lightY, double lightZ, float minShade) {
        this.lightX = lightX;
        this.lightY = lightY;
        this.lightZ = lightZ;
        this.minShade = minShade;
    }

    static Lighting of(RenderSettings settings) {
        return new Lighting(
                settings.lightX(),
                settings.lightY(),
                settings.lightZ(),
                (float) settings.ambient());
    }

    /** Shading factor for a surface with unit normal {@code n} (factory frame). */
    float shade(double nx, double ny, double nz) {
        double lambert = nx * lightX + ny * lightY + nz * lightZ;
        return minShade + (MAX_SHADE - minShade) * (float) Math.max(0, Math.min(1, lambert));
    }
}
