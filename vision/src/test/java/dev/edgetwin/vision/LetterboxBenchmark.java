package dev.edgetwin.vision;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import nu.pattern.OpenCV;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.dnn.Dnn;
import org.opencv.imgproc.Imgproc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One 1280x720 RGB camera frame to a 640x640 letterboxed model input (content 640x360, 140 rows of
 * grey 114 above and below), edgetwin's {@link LetterboxPreprocessor} against OpenCV 4.9 (the
 * {@code org.openpnp:opencv} build) doing the same work. Both start from the frame's Java {@code
 * byte[]} and end with the input in a direct, native-order buffer that an ONNX Runtime tensor can
 * wrap, so each side pays for getting in and out of its own memory:
 *
 * <ul>
 *   <li>{@code edgetwin}: {@link LetterboxPreprocessor#prepare(Frame)}: bilinear resampling
 *       straight from the {@code byte[]}, /255, HWC to CHW, into its own direct {@link FloatBuffer}
 *       (float [1, 3, 640, 640]); the padding is painted once per source size.
 *   <li>{@code edgetwinUint8}: {@link Uint8LetterboxPreprocessor#prepare(Frame)}: the same
 *       resampling, rounded to uint8 CHW in a direct {@link ByteBuffer}, for uint8-input models.
 *   <li>{@code opencv}: {@code Mat.put} of the {@code byte[]} into a preallocated 720x1280 {@code
 *       CV_8UC3} Mat (one JNI copy); {@code Imgproc.resize} to 640x360, {@code INTER_LINEAR}, into
 *       a reused Mat; {@code Core.copyMakeBorder} 140 rows top and bottom, {@code BORDER_CONSTANT}
 *       114, into a reused Mat; {@code Dnn.blobFromImage} with scale 1/255, no mean, {@code
 *       swapRB=false} (the frame is already RGB, as the model wants), no crop, {@code CV_32F}: HWC
 *       to CHW float (it allocates its blob each call, as its Java binding has no output argument);
 *       then {@code copyTo} into a Mat that wraps a preallocated direct {@link ByteBuffer} (one
 *       native copy, no Java array in between) and {@code release} of the blob.
 * </ul>
 *
 * <p>edgetwin works on the calling thread only; OpenCV gets one worker thread unless {@link
 * #openCvThreads} says otherwise.
 *
 * <p>{@link #setUp()} checks that the outputs agree (OpenCV's resize rounds to uint8 before the
 * /255, so they differ by at most one grey level) and fails the trial otherwise.
 *
 * <p>Run (from the repository root; one thread, several forks):
 *
 * <pre>
 * ./mvnw -q -pl vision test-compile
 * ./mvnw -q -o -pl vision dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp vision/target/test-classes:vision/target/classes:$(cat vision/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main 'LetterboxBenchmark' -t 1 -f 3 -wi 5 -i 10
 * # OpenCV with both cores:
 * java -cp ... org.openjdk.jmh.Main 'LetterboxBenchmark.opencv' -t 1 -f 3 -wi 5 -i 10 -p openCvThreads=2
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "-Xmx1g")
@Threads(1)
public class LetterboxBenchmark {
    /**
     * OpenCV's own worker threads ({@code Core.setNumThreads}). One by default, like edgetwin,
     * which runs on the caller's thread only; {@code -p openCvThreads=2} lets OpenCV use both cores
     * of the benchmark machine.
     */
    @Param({"1"})
    public int openCvThreads;

    static final int SOURCE_WIDTH = 1280;
    static final int SOURCE_HEIGHT = 720;
    static final int INPUT_SIZE = 640;
    private static final int CONTENT_HEIGHT = 360;
    private static final int PAD = (INPUT_SIZE - CONTENT_HEIGHT) / 2;

    private Frame frame;
    private LetterboxPreprocessor preprocessor;
    private Uint8LetterboxPreprocessor uint8Preprocessor;

    private Mat source;
    private Mat resized;
    private Mat padded;
    private Mat blobOut;
    private FloatBuffer blobBuffer;
    private final Size contentSize = new Size(INPUT_SIZE, CONTENT_HEIGHT);
    private final Size noResize = new Size();
    private final Scalar grey = new Scalar(114, 114, 114);
    private final Scalar noMean = new Scalar(0, 0, 0);

    @Setup(Level.Trial)
    public void setUp() {
        frame = cameraLikeFrame();
        preprocessor = new LetterboxPreprocessor(INPUT_SIZE, INPUT_SIZE);
        uint8Preprocessor = new Uint8LetterboxPreprocessor(INPUT_SIZE, INPUT_SIZE);

        OpenCV.loadLocally();
        Core.setNumThreads(openCvThreads);
        source = new Mat(SOURCE_HEIGHT, SOURCE_WIDTH, CvType.CV_8UC3);
        resized = new Mat();
        padded = new Mat();
        int values = 3 * INPUT_SIZE * INPUT_SIZE;
        ByteBuffer direct =
                ByteBuffer.allocateDirect(values * Float.BYTES).order(ByteOrder.nativeOrder());
        blobOut = new Mat(1, values, CvType.CV_32F, direct);
        blobBuffer = direct.asFloatBuffer();

        checkAgreement();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        source.release();
        resized.release();
        padded.release();
        blobOut.release();
    }

    @Benchmark
    public FloatBuffer edgetwin() {
        preprocessor.prepare(frame);
        return preprocessor.inputBuffer();
    }

    @Benchmark
    public ByteBuffer edgetwinUint8() {
        uint8Preprocessor.prepare(frame);
        return uint8Preprocessor.inputBuffer();
    }

    @Benchmark
    public FloatBuffer opencv() {
        source.put(0, 0, frame.rgb());
        Imgproc.resize(source, resized, contentSize, 0, 0, Imgproc.INTER_LINEAR);
        Core.copyMakeBorder(resized, padded, PAD, PAD, 0, 0, Core.BORDER_CONSTANT, grey);
        Mat blob =
                Dnn.blobFromImage(padded, 1 / 255.0, noResize, noMean, false, false, CvType.CV_32F);
        Mat flat = blob.reshape(1, 1);
        flat.copyTo(blobOut);
        flat.release();
        blob.release();
        return blobBuffer;
    }

    private void checkAgreement() {
        long address = blobOut.dataAddr();
        FloatBuffer ours = edgetwin();
        FloatBuffer theirs = opencv();
        if (blobOut.dataAddr() != address) {
            throw new IllegalStateException(
                    "copyTo reallocated the output Mat instead of reusing it");
        }
        ByteBuffer ours8 = edgetwinUint8();
        float worst = 0;
        int worst8 = 0;
        for (int i = 0; i < ours.capacity(); i++) {
            worst = Math.max(worst, Math.abs(ours.get(i) - theirs.get(i)));
            worst8 =
                    Math.max(
                            worst8,
                            Math.abs((ours8.get(i) & 0xFF) - Math.round(theirs.get(i) * 255)));
        }
        if (worst > 1.01f / 255 || worst8 > 1) {
            throw new IllegalStateException(
                    "edgetwin and OpenCV disagree: max |float diff| "
                            + worst * 255
                            + " levels, max |uint8 diff| "
                            + worst8);
        }
    }

    /** A smooth scene with sensor noise: gradients, a few flat boxes, sigma ~2 noise. */
    static Frame cameraLikeFrame() {
        SplittableRandom random = new SplittableRandom(42);
        byte[] rgb = new byte[SOURCE_WIDTH * SOURCE_HEIGHT * 3];
        for (int y = 0; y < SOURCE_HEIGHT; y++) {
            for (int x = 0; x < SOURCE_WIDTH; x++) {
                boolean box = (x / 160 + y / 120) % 3 == 0;
                int base = box ? 200 : 40 + (x * 120) / SOURCE_WIDTH + (y * 60) / SOURCE_HEIGHT;
                for (int c = 0; c < 3; c++) {
                    int v = base + c * 10 + (int) Math.round(random.nextGaussian() * 2);
                    rgb[(y * SOURCE_WIDTH + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new Frame("bench", 0, SOURCE_WIDTH, SOURCE_HEIGHT, rgb);
    }
}
