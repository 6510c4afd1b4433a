package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The look of a frame: exposure, white balance, light, blur; and that the default is unchanged. */
class RenderSettingsTest {
    private static final FactoryScene DEMO = FactoryScene.demo(42);

    /**
     * Frames of the demo camera, with and without noise, hashed: the digest was computed with the
     * renderer as it was before render settings existed (commit f81ed53), so the daemon's default
     * camera and everything tested against it still sees exactly the same pixels.
     */
    @Test
    void theDefaultCameraRendersExactlyTheFramesItRenderedBeforeSettingsExisted() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (double sigma : new double[] {0, 4}) {
            var camera =
                    new SimulatedCamera(DEMO, SimulatedCamera.defaultCameraModel(), "sim", sigma);
            for (double t : new double[] {0, 12.5, 77}) {
                md.update(camera.render(t, 0).frame().rgb());
            }
        }
        assertEquals(
                "de28b2ccf265e09cfa72400a1656aecf9b25141fb4d48d8ecdcfa1c55661f76f",
                HexFormat.of().formatHex(md.digest()));
    }

    @Test
    void defaultSettingsAreTheDefaultCamera() {
        var plain = new SimulatedCamera(DEMO);
        var explicit =
                new SimulatedCamera(
                        DEMO,
                        SimulatedCamera.defaultCameraModel(),
                        "sim",
                        RenderSettings.defaults());
        assertArrayEquals(plain.render(30, 0).frame().rgb(), explicit.render(30, 0).frame().rgb());
        assertEquals(RenderSettings.defaults(), plain.settings());
        assertEquals(4.0, RenderSettings.defaults().withNoise(4).noiseSigma());
    }

    @Test
    void exposureAndWhiteBalanceScaleTheChannels() {
        byte[] base = render(RenderSettings.defaults());
        RenderSettings d = RenderSettings.defaults();
        byte[] dark =
                render(
                        new RenderSettings(
                                0.5,
                                1,
                                1,
                                1,
                                d.lightX(),
                                d.lightY(),
                                d.lightZ(),
                                d.ambient(),
                                0,
                                0));
        byte[] warm =
                render(
                        new RenderSettings(
                                1,
                                1.2,
                                1,
                                0.8,
                                d.lightX(),
                                d.lightY(),
                                d.lightZ(),
                                d.ambient(),
                                0,
                                0));
        int p = 3 * (400 * 640 + 320); // the floor, near the bottom centre
        for (int ch = 0; ch < 3; ch++) {
            assertEquals((base[p + ch] & 0xFF) * 0.5, dark[p + ch] & 0xFF, 1, "channel " + ch);
        }
        assertEquals((base[p] & 0xFF) * 1.2, warm[p] & 0xFF, 1);
        assertEquals(base[p + 1] & 0xFF, warm[p + 1] & 0xFF);
        assertEquals((base[p + 2] & 0xFF) * 0.8, warm[p + 2] & 0xFF, 1);
    }

    @Test
    void theLightDirectionAndAmbientDecideTheShading() {
        RenderSettings d = RenderSettings.defaults();
        double[] fromAhead = RenderSettings.lightFrom(0, Math.toRadians(30));
        byte[] ahead =
                render(
                        new RenderSettings(
                                1, 1, 1, 1, fromAhead[0], fromAhead[1], fromAhead[2], 0.3, 0, 0));
        byte[] base = render(d);
        // The floor (normal up) is lit by sin(30) = 0.5 instead of 0.87: 0.3 + 0.7 x 0.5 = 0.65.
        int p = 3 * (400 * 640 + 320);
        assertEquals(136 * 0.65, ahead[p] & 0xFF, 1);
        assertEquals(
                136 * (0.55 + 0.45 * Lighting.LIGHT_Z), base[p] & 0xFF, 1, "default floor shade");
    }

    @Test
    void blurSmoothsEdgesAndKeepsFlatAreas() {
        byte[] sharp = render(RenderSettings.defaults());
        byte[] blurred = render(RenderSettings.defaults().withBlur(1.5));
        int p = 3 * (470 * 640 + 320);
        assertEquals(sharp[p] & 0xFF, blurred[p] & 0xFF, 1, "flat floor keeps its value");
        assertTrue(largestStep(blurred) < largestStep(sharp) / 2, "edges are spread out");
        float[] kernel = GaussianBlur.kernel(1.5);
        float sum = 0;
        for (int i = 0; i < kernel.length; i++) {
            sum += kernel[i];
            assertEquals(kernel[i], kernel[kernel.length - 1 - i]);
        }
        assertEquals(1, sum, 1e-6);
        assertEquals(11, kernel.length, "cut at 3 sigma");
    }

    @Test
    void settingsAreCheckedWhenBuilt() {
        RenderSettings d = RenderSettings.defaults();
        var exposure =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new RenderSettings(
                                        0, 1, 1, 1, d.lightX(), d.lightY(), d.lightZ(), 0.5, 0, 0));
        assertTrue(exposure.getMessage().contains("exposure"), exposure.getMessage());
        var light =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RenderSettings(1, 1, 1, 1, 0, 0, -1, 0.5, 0, 0));
        assertTrue(light.getMessage().contains("lightZ > 0"), light.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new RenderSettings(1, 1, 1, 1, 0.5, 0, 0.5, 0.5, 0, 0),
                "not a unit vector");
        var blur = assertThrows(IllegalArgumentException.class, () -> d.withBlur(9));
        assertTrue(blur.getMessage().contains("blurSigma"), blur.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withNoise(Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new RenderSettings(
                                1, 5, 1, 1, d.lightX(), d.lightY(), d.lightZ(), 0.5, 0, 0));
    }

    private static byte[] render(RenderSettings settings) {
        return new SimulatedCamera(DEMO, SimulatedCamera.defaultCameraModel(), "sim", settings)
                .render(30, 0)
                .frame()
                .rgb();
    }

    /** The largest brightness difference between horizontally adjacent pixels. */
    private static int largestStep(byte[] rgb) {
        int largest = 0;
        for (int p = 0; p + 3 < rgb.length; p += 3) {
            if ((p / 3) % 640 == 639) {
                continue;
            }
            int a = (rgb[p] & 0xFF) + (rgb[p + 1] & 0xFF) + (rgb[p + 2] & 0xFF);
            int b = (rgb[p + 3] & 0xFF) + (rgb[p + 4] & 0xFF) + (rgb[p + 5] & 0xFF);
            largest = Math.max(largest, Math.abs(a - b));
        }
        return largest;
    }
}
