package dev.edgetwin.sim;

/**
 * How a {@link SimulatedCamera} lights and degrades its image: exposure, white balance, the
 * direction of the one directional light and the ambient share, sensor noise and optical blur.
 * {@link #defaults()} is the demo camera's fixed look (the colour contract in the simulator's
 * README); {@link TrainingScenes} draws varied settings to train and test detectors on.
 *
 * <p>A pixel is {@code base colour x shade x exposure x channel gain}, blurred, plus noise, rounded
 * and clamped to [0, 255]. {@code shade = ambient + (1 - ambient) x max(0, n . light)} for a
 * surface with unit normal n; the ceiling above the walls is unlit (shade 1).
 *
 * @param exposure global brightness gain, in (0, 4]
 * @param redGain white balance gain on the red channel, in (0, 4]: above {@code blueGain} is a warm
 *     (low colour temperature) cast, below it a cool one
 * @param greenGain gain on the green channel, in (0, 4]
 * @param blueGain gain on the blue channel, in (0, 4]
 * @param lightX factory-frame x of the unit vector towards the light
 * @param lightY factory-frame y of that vector
 * @param lightZ factory-frame z of that vector, > 0 (the light is above the floor)
 * @param ambient shade of a surface facing away from the light, in [0, 1]
 * @param noiseSigma standard deviation of the per-channel Gaussian noise in 0-255 levels, in [0,
 *     255]; 0 for none. The noise is a pure function of (scene seed, scene time)
 * @param blurSigma standard deviation in pixels of a Gaussian blur applied before the noise (focus,
 *     motion, a cheap lens), in [0, 8]; 0 for none
 */
public record RenderSettings(
        double exposure,
        double redGain,
        double greenGain,
        double blueGain,
        double lightX,
        double lightY,
        double lightZ,
        double ambient,
        double noiseSigma,
        double blurSigma) {

    private static final double DEFAULT_AMBIENT = 0.55;
    private static final double MAX_BLUR_SIGMA = 8;

    public RenderSettings {
        requireIn("exposure", exposure, 0, 4, false);
        requireIn("redGain", redGain, 0, 4, false);
        requireIn("greenGain", greenGain, 0, 4, false);
        requireIn("blueGain", blueGain, 0, 4, false);
        double norm = Math.sqrt(lightX * lightX + lightY * lightY + lightZ * lightZ);
        if (!(Math.abs(norm - 1) <= 1e-6) || !(lightZ > 0)) {
            throw new IllegalArgumentException(
                    "light direction must be a unit vector with lightZ > 0, got ("
                            + lightX
                            + ", "
                            + lightY
                            + ", "
                            + lightZ
                            + ")");
        }
        requireIn("ambient", ambient, 0, 1, true);
        requireIn("noiseSigma", noiseSigma, 0, 255, true);
        requireIn("blurSigma", blurSigma, 0, MAX_BLUR_SIGMA, true);
    }

    /**
     * The demo camera's look: exposure and gains 1, light from (-0.4, 0.3, 0.87) (high, behind a
     * camera looking along +x), ambient 0.55, no noise, no blur.
     */
    public static RenderSettings defaults() {
        return new RenderSettings(
                1,
                1,
                1,
                1,
                Lighting.LIGHT_X,
                Lighting.LIGHT_Y,
                Lighting.LIGHT_Z,
                DEFAULT_AMBIENT,
                0,
                0);
    }

    /** These settings with another noise level. */
    public RenderSettings withNoise(double sigma) {
        return new RenderSettings(
                exposure, redGain, greenGain, blueGain, lightX, lightY, lightZ, ambient, sigma,
                blurSigma);
    }

    /** These settings with another blur. */
    public RenderSettings withBlur(double sigma) {
        return new RenderSettings(
                exposure,
                redGain,
                greenGain,
                blueGain,
                lightX,
                lightY,
                lightZ,
                ambient,
                noiseSigma,
                sigma);
    }

    /** A light from {@code azimuth} (radians from +x, counter-clockwise) and {@code elevation}. */
    static double[] lightFrom(double azimuth, double elevation) {
        double c = StrictMath.cos(elevation);
        return new double[] {
            c * StrictMath.cos(azimuth), c * StrictMath.sin(azimuth), StrictMath.sin(elevation)
        };
    }

    private static void requireIn(
            String name, double value, double low, double high, boolean lowIncluded) {
        boolean aboveLow = lowIncluded ? value >= low : value > low;
        if (!aboveLow || !(value <= high)) {
            throw new IllegalArgumentException(
                    name
                            + " must be in "
                            + (lowIncluded ? "[" : "(")
                            + low
                            + ", "
                            + high
                            + "], got "
                            + value);
        }
    }
}
