package dev.edgetwin.modelkit.quantize;

import dev.edgetwin.modelkit.quantize.QuantizationException.Code;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.LetterboxPreprocessor;
import dev.edgetwin.vision.source.RgbImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The inputs a model is calibrated on: camera frames (image files or the simulated camera),
 * letterboxed into the model input exactly as the runtime's {@link LetterboxPreprocessor} does, or
 * ready-made input tensors. Frames are produced when the quantizer asks for them, not held in
 * memory, so a set may be read more than once (once per calibration pass); every read gives the
 * same values.
 *
 * <p>Immutable; its factories check what they can without knowing the model (the folder exists and
 * holds images, the count is positive) and the rest is checked when the quantizer reads it.
 */
public final class CalibrationSet {
    /** Scene time between two simulator frames: about a metre of travel for the demo robot. */
    public static final double DEFAULT_FRAME_INTERVAL_SECONDS = 3;

    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private final String source;
    private final int size;
    private final Source frames;

    /** Produces calibration input {@code index} for a model input of {@code shape}. */
    private interface Source {
        Feeder open(String inputName, long[] declaredShape) throws QuantizationException;
    }

    /** Reads one model's inputs; not thread-safe. */
    interface Feeder {
        /** The concrete input shape, batch 1 where the model leaves the batch open. */
        long[] shape();

        /** Input {@code index} as a flat float array of {@link #shape()}. */
        float[] input(int index) throws QuantizationException;
    }

    private CalibrationSet(String source, int size, Source frames) {
        this.source = source;
        this.size = size;
        this.frames = frames;
    }

    /**
     * Every {@code .png}, {@code .jpg} and {@code .jpeg} file directly in {@code dir} (not in
     * subfolders), in file-name order, decoded with {@code javax.imageio}.
     *
     * @throws QuantizationException {@code BAD_CALIBRATION} if {@code dir} is not a readable
     *     folder, {@code EMPTY_CALIBRATION} if it holds no such image
     */
    public static CalibrationSet imageFolder(Path dir) throws QuantizationException {
        Objects.requireNonNull(dir, "dir");
        if (!Files.exists(dir)) {
            throw new QuantizationException(
                    Code.BAD_CALIBRATION, "calibration folder " + dir + ": no such folder");
        }
        if (!Files.isDirectory(dir)) {
            throw new QuantizationException(
                    Code.BAD_CALIBRATION,
                    "calibration folder " + dir + ": is a file, expected a folder of images");
        }
        List<Path> images = new ArrayList<>();
        int others = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries.sorted()::iterator) {
                if (Files.isRegularFile(p) && isImageName(p)) {
                    images.add(p);
                } else {
                    others++;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new QuantizationException(
                    Code.BAD_CALIBRATION,
                    "calibration folder " + dir + ": cannot list it: " + e,
                    e);
        }
        if (images.isEmpty()) {
            throw new QuantizationException(
                    Code.EMPTY_CALIBRATION,
                    "calibration folder "
                            + dir
                            + ": no .png, .jpg or .jpeg images in it ("
                            + (others == 0 ? "it is empty" : others + " other entries")
                            + "); calibration needs at least one frame");
        }
        List<Path> files = List.copyOf(images);
        // The absolute path: the same folder named from another working directory gives the
        // same metadata, hence the same model bytes.
        String label = dir.toAbsolutePath().normalize().toString();
        return new CalibrationSet(
                label,
                files.size(),
                (name, shape) -> frameFeeder(name, shape, i -> read(files.get(i))));
    }

    /**
     * {@code frames} frames of the demo factory {@link FactoryScene#demo(long) seeded} with {@code
     * seed}, seen by the default simulated camera without noise, one every {@link
     * #DEFAULT_FRAME_INTERVAL_SECONDS} of scene time from time 0.
     *
     * @throws QuantizationException {@code EMPTY_CALIBRATION} if {@code frames} is not positive
     */
    public static CalibrationSet simulator(long seed, int frames) throws QuantizationException {
        return camera(
                new SimulatedCamera(FactoryScene.demo(seed)),
                frames,
                DEFAULT_FRAME_INTERVAL_SECONDS);
    }

    /**
     * {@code frames} frames from {@code camera} at scene times {@code 0, interval, 2 interval...}:
     * what the daemon's simulated camera would have captured. Rendering is deterministic, so the
     * same camera settings always give the same set.
     *
     * @throws QuantizationException {@code EMPTY_CALIBRATION} if {@code frames} is not positive
     */
    public static CalibrationSet camera(SimulatedCamera camera, int frames, double intervalSeconds)
            throws QuantizationException {
        Objects.requireNonNull(camera, "camera");
        requireFrames(frames);
        if (!(intervalSeconds > 0) || !Double.isFinite(intervalSeconds)) {
            throw new IllegalArgumentException(
                    "frame interval must be positive seconds, got " + intervalSeconds);
        }
        String label =
                "simulator seed "
                        + camera.scene().seed()
                        + ", a frame every "
                        + java.math.BigDecimal.valueOf(intervalSeconds)
                                .stripTrailingZeros()
                                .toPlainString()
                        + " s";
        return new CalibrationSet(
                label,
                frames,
                (name, shape) ->
                        frameFeeder(
                                name,
                                shape,
                                i -> {
                                    double t = i * intervalSeconds;
                                    return camera.render(t, Math.round(t * 1e9)).frame();
                                }));
    }

    /**
     * Frames already captured, e.g. from the device's own camera: letterboxed into the model's
     * input as the runtime does. The frames are held, not copied; do not change them.
     *
     * @param source where the frames came from, recorded as {@code edgetwin.calibration.source}
     * @throws QuantizationException {@code EMPTY_CALIBRATION} if {@code frames} is empty
     */
    public static CalibrationSet frames(String source, List<Frame> frames)
            throws QuantizationException {
        Objects.requireNonNull(source, "source");
        List<Frame> held = List.copyOf(frames);
        if (held.isEmpty()) {
            throw new QuantizationException(
                    Code.EMPTY_CALIBRATION,
                    "calibration frames from " + source + ": none captured; need at least one");
        }
        return new CalibrationSet(
                source, held.size(), (name, shape) -> frameFeeder(name, shape, held::get));
    }

    /**
     * Ready-made model inputs, for models that do not take camera frames or for tests. Each array
     * holds one input of {@code shape} (row-major); the arrays are copied.
     *
     * @param source what the tensors are, recorded as {@code edgetwin.calibration.source}
     * @throws QuantizationException {@code EMPTY_CALIBRATION} if {@code inputs} is empty, {@code
     *     BAD_CALIBRATION} if an array does not hold {@code shape}'s element count
     */
    public static CalibrationSet tensors(String source, long[] shape, List<float[]> inputs)
            throws QuantizationException {
        Objects.requireNonNull(source, "source");
        long[] fixedShape = shape.clone();
        long count = 1;
        for (long d : fixedShape) {
            if (d <= 0) {
                throw new IllegalArgumentException(
                        "tensor shape " + Arrays.toString(shape) + " has a dimension below 1");
            }
            count *= d;
        }
        if (inputs.isEmpty()) {
            throw new QuantizationException(
                    Code.EMPTY_CALIBRATION,
                    "calibration tensors '" + source + "': none given; need at least one");
        }
        List<float[]> copies = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).length != count) {
                throw new QuantizationException(
                        Code.BAD_CALIBRATION,
                        "calibration tensor "
                                + i
                                + " holds "
                                + inputs.get(i).length
                                + " values, shape "
                                + Arrays.toString(shape)
                                + " needs "
                                + count);
            }
            copies.add(inputs.get(i).clone());
        }
        return new CalibrationSet(
                source,
                copies.size(),
                (name, declared) -> {
                    checkTensorShape(name, declared, fixedShape);
                    return new Feeder() {
                        @Override
                        public long[] shape() {
                            return fixedShape.clone();
                        }

                        @Override
                        public float[] input(int index) {
                            return copies.get(index);
                        }
                    };
                });
    }

    /** What the set is, as recorded in {@code edgetwin.calibration.source}. */
    public String source() {
        return source;
    }

    /** How many inputs the set holds. */
    public int size() {
        return size;
    }

    /**
     * Prepares to read inputs for a model input {@code inputName} of {@code declaredShape} (-1 for
     * a symbolic or unknown dimension).
     *
     * @throws QuantizationException if the set cannot feed such an input
     */
    Feeder open(String inputName, long[] declaredShape) throws QuantizationException {
        return frames.open(inputName, declaredShape);
    }

    @Override
    public String toString() {
        return "CalibrationSet[" + source + ", " + size + " inputs]";
    }

    private interface FrameReader {
        Frame frame(int index) throws QuantizationException;
    }

    private static Feeder frameFeeder(String inputName, long[] declared, FrameReader reader)
            throws QuantizationException {
        boolean image =
                declared.length == 4
                        && (declared[0] == 1 || declared[0] == -1)
                        && declared[1] == 3
                        && declared[2] > 0
                        && declared[3] > 0;
        if (!image) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    "input '"
                            + inputName
                            + "' has shape "
                            + dims(declared)
                            + ", expected an image [1, 3, height, width] with fixed height and"
                            + " width to letterbox calibration frames into");
        }
        long[] shape = {1, 3, declared[2], declared[3]};
        LetterboxPreprocessor letterbox =
                new LetterboxPreprocessor((int) declared[3], (int) declared[2]);
        return new Feeder() {
            @Override
            public long[] shape() {
                return shape.clone();
            }

            @Override
            public float[] input(int index) throws QuantizationException {
                letterbox.prepare(reader.frame(index));
                float[] values = new float[letterbox.inputBuffer().capacity()];
                letterbox.inputBuffer().get(0, values);
                return values;
            }
        };
    }

    private static void checkTensorShape(String inputName, long[] declared, long[] given)
            throws QuantizationException {
        boolean fits = declared.length == given.length;
        for (int i = 0; fits && i < given.length; i++) {
            fits = declared[i] == -1 || declared[i] == given[i];
        }
        if (!fits) {
            throw new QuantizationException(
                    Code.BAD_CALIBRATION,
                    "calibration tensors have shape "
                            + Arrays.toString(given)
                            + ", model input '"
                            + inputName
                            + "' is "
                            + dims(declared));
        }
    }

    private static String dims(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : ", ").append(shape[i] < 0 ? "?" : Long.toString(shape[i]));
        }
        return b.append(']').toString();
    }

    private static void requireFrames(int frames) throws QuantizationException {
        if (frames <= 0) {
            throw new QuantizationException(
                    Code.EMPTY_CALIBRATION,
                    frames + " calibration frames asked for; calibration needs at least one");
        }
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static Frame read(Path file) throws QuantizationException {
        try {
            return RgbImages.read(file, "calibration", 0);
        } catch (IOException e) {
            throw new QuantizationException(
                    Code.BAD_CALIBRATION,
                    "calibration image " + file + ": cannot be decoded: " + e.getMessage(),
                    e);
        }
    }
}
