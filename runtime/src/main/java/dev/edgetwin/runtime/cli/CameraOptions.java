package dev.edgetwin.runtime.cli;

import dev.edgetwin.runtime.CameraFeed;
import dev.edgetwin.runtime.FrameFeed;
import dev.edgetwin.vision.CameraIntrinsics;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.source.SourceConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin run}'s camera: the simulated factory, or a real camera with its calibration.
 * Parsed and checked before anything starts; a bad value is named with its option.
 */
final class CameraOptions {
    static final String SIMULATED = "sim";

    @Option(
            names = "--camera",
            defaultValue = SIMULATED,
            paramLabel = "SOURCE",
            description = {
                "Where frames come from: sim (the simulated factory), folder:DIR (PNG/JPEG files in"
                        + " name order at --fps, looping), mjpeg:http://HOST/PATH (an IP camera's"
                        + " MJPEG stream) or gst:PIPELINE (a GStreamer source, e.g."
                        + " 'gst:v4l2src device=/dev/video0'; RGB conversion and the sink are"
                        + " appended). Default: ${DEFAULT-VALUE}."
            })
    String camera = SIMULATED;

    @Option(
            names = "--camera-id",
            defaultValue = "front",
            description = "The camera's id in frames and the twin. Default: ${DEFAULT-VALUE}.")
    String cameraId = "front";

    @Option(
            names = "--camera-size",
            defaultValue = "640x480",
            paramLabel = "WxH",
            description =
                    "A real camera's frame size; frames of another size are skipped and counted."
                            + " Default: ${DEFAULT-VALUE}.")
    String size = "640x480";

    @Option(
            names = "--camera-fov",
            defaultValue = "70",
            paramLabel = "DEGREES",
            description = "A real camera's horizontal field of view. Default: ${DEFAULT-VALUE}.")
    double horizontalFovDegrees = 70;

    @Option(
            names = "--camera-mount",
            defaultValue = "0.25,1.1,12",
            paramLabel = "X,Z,PITCH",
            description =
                    "A real camera's mount on the robot: metres ahead of the robot's centre, metres"
                            + " above the floor, degrees tilted down. Default: ${DEFAULT-VALUE}.")
    String mount = "0.25,1.1,12";

    boolean simulated() {
        return camera.equals(SIMULATED);
    }

    /** The feed for a real camera, opened under supervision; not for {@link #SIMULATED}. */
    FrameFeed openFeed(double fps) {
        return CameraFeed.open(source(fps), cameraModel(), RobotPose.ORIGIN);
    }

    /** The camera source; throws IllegalArgumentException naming the bad option and value. */
    SourceConfig source(double fps) {
        int colon = camera.indexOf(':');
        String kind = colon < 0 ? camera : camera.substring(0, colon);
        String rest = colon < 0 ? "" : camera.substring(colon + 1);
        int[] wh = size();
        switch (kind) {
            case "folder":
                requireValue(rest, "folder:DIR");
                return new SourceConfig.Folder(cameraId, Path.of(rest), fps, true);
            case "mjpeg":
                requireValue(rest, "mjpeg:http://HOST/PATH");
                try {
                    return new SourceConfig.Mjpeg(cameraId, new URI(rest));
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException(
                            "--camera mjpeg: '" + rest + "' is not a URL: " + e.getReason());
                }
            case "gst":
                requireValue(rest, "gst:PIPELINE");
                return new SourceConfig.GStreamer(cameraId, rest, wh[0], wh[1]);
            default:
                throw new IllegalArgumentException(
                        "--camera: '"
                                + camera
                                + "' is not sim, folder:DIR, mjpeg:URL or gst:PIPELINE");
        }
    }

    private void requireValue(String rest, String form) {
        if (rest.isBlank()) {
            throw new IllegalArgumentException(
                    "--camera: '" + camera + "' names no source; expected " + form);
        }
    }

    /** Intrinsics from the size and field of view, mount from --camera-mount. */
    CameraModel cameraModel() {
        int[] wh = size();
        String[] parts = mount.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "--camera-mount: expected X,Z,PITCH (three numbers), got '" + mount + "'");
        }
        double[] v = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--camera-mount: '"
                                + parts[i].strip()
                                + "' in '"
                                + mount
                                + "' is not a number");
            }
        }
        if (!(v[1] > 0)) {
            throw new IllegalArgumentException(
                    "--camera-mount: the camera must be above the floor, got height " + v[1]);
        }
        try {
            return new CameraModel(
                    CameraIntrinsics.fromHorizontalFov(wh[0], wh[1], horizontalFovDegrees),
                    CameraMount.forward(v[0], v[1], v[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--camera-fov/--camera-mount: " + e.getMessage(), e);
        }
    }

    private int[] size() {
        String[] parts = size.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 2) {
                int w = Integer.parseInt(parts[0].strip());
                int h = Integer.parseInt(parts[1].strip());
                if (w >= 16 && h >= 16 && w <= 16384 && h <= 16384) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // Falls through to the message below.
        }
        throw new IllegalArgumentException(
                "--camera-size: expected WIDTHxHEIGHT between 16 and 16384, got '" + size + "'");
    }
}
