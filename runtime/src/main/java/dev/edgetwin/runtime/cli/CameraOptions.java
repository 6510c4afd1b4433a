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
import java.util.List;
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
                    "A real camera's mount on the robot: X,Z,PITCH (metres ahead of the robot's"
                            + " centre, metres above the floor, degrees tilted down) or"
                            + " X,Y,Z,YAW,PITCH (Y metres to the left, YAW degrees turned left)."
                            + " Default: ${DEFAULT-VALUE}.")
    String mount = "0.25,1.1,12";

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec command;

    /**
     * One camera of the robot: where its frames come from and its calibration; validated when built
     * (a bad value is named with its field).
     *
     * @param id the camera's id in frames and the twin
     * @param source sim, folder:DIR, mjpeg:URL or gst:PIPELINE
     * @param size WIDTHxHEIGHT of its frames
     * @param fovDegrees horizontal field of view
     * @param x metres ahead of the robot's centre
     * @param y metres to the left of it
     * @param z metres above the floor
     * @param yawDegrees turned left from straight ahead
     * @param pitchDegrees tilted down
     */
    record CameraSpec(
            String id,
            String source,
            String size,
            double fovDegrees,
            double x,
            double y,
            double z,
            double yawDegrees,
            double pitchDegrees) {
        CameraSpec {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("camera id must not be empty");
            }
            if (!(z > 0)) {
                throw new IllegalArgumentException(
                        "--camera-mount: the camera must be above the floor, got height " + z);
            }
            parseSize(size);
            cameraModelOf(size, fovDegrees, x, y, z, yawDegrees, pitchDegrees);
        }

        boolean simulated() {
            return source.equals(SIMULATED);
        }

        /** The camera source; throws IllegalArgumentException naming the bad value. */
        SourceConfig sourceConfig(double fps) {
            int colon = source.indexOf(':');
            String kind = colon < 0 ? source : source.substring(0, colon);
            String rest = colon < 0 ? "" : source.substring(colon + 1);
            int[] wh = parseSize(size);
            switch (kind) {
                case "folder":
                    requireValue(rest, "folder:DIR");
                    return new SourceConfig.Folder(id, Path.of(rest), fps, true);
                case "mjpeg":
                    requireValue(rest, "mjpeg:http://HOST/PATH");
                    try {
                        return new SourceConfig.Mjpeg(id, new URI(rest));
                    } catch (URISyntaxException e) {
                        throw new IllegalArgumentException(
                                "--camera mjpeg: '" + rest + "' is not a URL: " + e.getReason());
                    }
                case "gst":
                    requireValue(rest, "gst:PIPELINE");
                    return new SourceConfig.GStreamer(id, rest, wh[0], wh[1]);
                default:
                    throw new IllegalArgumentException(
                            "--camera: '"
                                    + source
                                    + "' is not sim, folder:DIR, mjpeg:URL or gst:PIPELINE");
            }
        }

        private void requireValue(String rest, String form) {
            if (rest.isBlank()) {
                throw new IllegalArgumentException(
                        "--camera: '" + source + "' names no source; expected " + form);
            }
        }

        CameraModel cameraModel() {
            return cameraModelOf(size, fovDegrees, x, y, z, yawDegrees, pitchDegrees);
        }
    }

    boolean simulated() {
        return camera.equals(SIMULATED);
    }

    /** The camera of the command-line options. */
    CameraSpec spec() {
        String[] parts = mount.split(",");
        if (parts.length != 3 && parts.length != 5) {
            throw new IllegalArgumentException(
                    "--camera-mount: expected X,Z,PITCH or X,Y,Z,YAW,PITCH (numbers), got '"
                            + mount
                            + "'");
        }
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
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
        return parts.length == 3
                ? new CameraSpec(
                        cameraId, camera, size, horizontalFovDegrees, v[0], 0, v[1], 0, v[2])
                : new CameraSpec(
                        cameraId, camera, size, horizontalFovDegrees, v[0], v[1], v[2], v[3], v[4]);
    }

    /**
     * The robot's cameras: {@code --camera} when given on the command line, else the configuration
     * file's {@code cameras:} list, else the single camera of the options (the simulated factory by
     * default).
     */
    List<CameraSpec> cameras() {
        boolean onCommandLine =
                command != null
                        && command.commandLine() != null
                        && command.commandLine().getParseResult() != null
                        && command.commandLine().getParseResult().hasMatchedOption("--camera");
        if (!onCommandLine
                && command != null
                && command.defaultValueProvider() instanceof ConfigFile config
                && !config.cameras().isEmpty()) {
            if (!simulated()) {
                throw new IllegalArgumentException(
                        "the configuration file "
                                + config.path()
                                + " sets both 'camera' and 'cameras': keep one");
            }
            return config.cameras();
        }
        return List.of(spec());
    }

    /** Opens a real camera under supervision; not for the simulated one. */
    static FrameFeed openFeed(CameraSpec camera, double fps) {
        return CameraFeed.open(camera.sourceConfig(fps), camera.cameraModel(), RobotPose.ORIGIN);
    }

    /** The camera source of the command-line options (tests). */
    SourceConfig source(double fps) {
        return spec().sourceConfig(fps);
    }

    /** The calibration of the command-line options (tests). */
    CameraModel cameraModel() {
        return spec().cameraModel();
    }

    private static CameraModel cameraModelOf(
            String size,
            double fovDegrees,
            double x,
            double y,
            double z,
            double yawDegrees,
            double pitchDegrees) {
        int[] wh = parseSize(size);
        try {
            return new CameraModel(
                    CameraIntrinsics.fromHorizontalFov(wh[0], wh[1], fovDegrees),
                    new CameraMount(
                            x, y, z, Math.toRadians(yawDegrees), Math.toRadians(pitchDegrees), 0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--camera-fov/--camera-mount: " + e.getMessage(), e);
        }
    }

    private static int[] parseSize(String size) {
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
