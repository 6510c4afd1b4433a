package dev.edgetwin.planner;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.tinylog.Logger;

/**
 * The learned critic: an ONNX trajectory scorer (docs/models.md, "Reference trajectory scorer") run
 * through ONNX Runtime on the CPU. Its input is float32 [M, {@value #STEPS}, {@value #FEATURES}] (M
 * fixed when built; unused rows are zeros), its output float32 [M] risk. Row t of a candidate is
 * its state at (t + 1) x {@value #STEP_SECONDS} s, resampled from the optimiser's steps by linear
 * interpolation (the last state is held past the optimiser's horizon), in the robot's frame now;
 * then up to {@value #PEOPLE} nearest people.
 *
 * <p>The contract is restated here as constants (the planner does not depend on the model kit; a
 * test checks them against the model kit's {@code ScorerContract}). Input and output tensors are
 * created once over direct buffers and rewritten in place; the output is pinned.
 *
 * <p>Owns its session and tensors; {@link #close()} is safe twice; scoring after close throws
 * {@link IllegalStateException}. One thread at a time.
 */
public final class OnnxTrajectoryCritic implements BatchCritic {
    public static final String INPUT_NAME = "trajectories";
    public static final String OUTPUT_NAME = "risk";
    public static final int STEPS = 20;
    public static final double STEP_SECONDS = 0.1;
    public static final int PEOPLE = 4;
    public static final int ROBOT_FEATURES = 4;
    public static final int PERSON_FEATURES = 5;
    public static final int FEATURES = ROBOT_FEATURES + PEOPLE * PERSON_FEATURES;
    public static final int ROBOT_X = 0;
    public static final int ROBOT_Y = 1;
    public static final int ROBOT_HEADING = 2;
    public static final int ROBOT_SPEED = 3;
    public static final int PRESENT = 0;
    public static final int PERSON_DX = 1;
    public static final int PERSON_DY = 2;
    public static final int PERSON_VX = 3;
    public static final int PERSON_VY = 4;

    /** The column of value {@code which} of person slot {@code slot}. */
    public static int personFeature(int slot, int which) {
        return ROBOT_FEATURES + slot * PERSON_FEATURES + which;
    }

    private final int capacity;
    private final OrtSession session;
    private final FloatBuffer input;
    private final FloatBuffer output;
    private final OnnxTensor inputTensor;
    private final OnnxTensor outputTensor;
    private final Map<String, OnnxTensor> inputs;
    private final Map<String, OnnxTensor> pinned;
    private final float[] row = new float[FEATURES];
    private boolean closed;

    private OnnxTrajectoryCritic(
            int capacity,
            OrtSession session,
            FloatBuffer input,
            FloatBuffer output,
            OnnxTensor inputTensor,
            OnnxTensor outputTensor) {
        this.capacity = capacity;
        this.session = session;
        this.input = input;
        this.output = output;
        this.inputTensor = inputTensor;
        this.outputTensor = outputTensor;
        this.inputs = Map.of(INPUT_NAME, inputTensor);
        this.pinned = Map.of(OUTPUT_NAME, outputTensor);
    }

    /**
     * Opens a scorer model for batches of {@code capacity} candidates, with {@code intraOpThreads}
     * ONNX Runtime threads. Checks the model's input and output names and shapes.
     */
    public static OnnxTrajectoryCritic open(Path model, int capacity, int intraOpThreads)
            throws OrtException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            session = env.createSession(model.toString(), options);
        }
        OnnxTensor in = null;
        try {
            checkShape(session.getInputInfo().get(INPUT_NAME), INPUT_NAME, 3, model);
            checkShape(session.getOutputInfo().get(OUTPUT_NAME), OUTPUT_NAME, 1, model);
            FloatBuffer input =
                    ByteBuffer.allocateDirect(capacity * STEPS * FEATURES * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
            FloatBuffer output =
                    ByteBuffer.allocateDirect(capacity * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
            in = OnnxTensor.createTensor(env, input, new long[] {capacity, STEPS, FEATURES});
            OnnxTensor out = OnnxTensor.createTensor(env, output, new long[] {capacity});
            Logger.info(
                    "Opened learned critic {} for batches of {}", model.getFileName(), capacity);
            return new OnnxTrajectoryCritic(capacity, session, input, output, in, out);
        } catch (OrtException | RuntimeException e) {
            if (in != null) {
                in.close();
            }
            session.close();
            throw e;
        }
    }

    private static void checkShape(NodeInfo info, String name, int rank, Path model)
            throws OrtException {
        if (info == null || !(info.getInfo() instanceof TensorInfo t)) {
            throw new IllegalArgumentException(
                    model + ": expected a tensor named '" + name + "', found none");
        }
        long[] shape = t.getShape();
        if (shape.length != rank || (rank == 3 && (shape[1] != STEPS || shape[2] != FEATURES))) {
            throw new IllegalArgumentException(
                    model
                            + ": expected '"
                            + name
                            + "' of rank "
                            + rank
                            + (rank == 3 ? " [K, " + STEPS + ", " + FEATURES + "]" : " [K]")
                            + ", found "
                            + java.util.Arrays.toString(shape));
        }
    }

    @Override
    public int maxCandidates() {
        return capacity;
    }

    @Override
    public String name() {
        return "onnx-trajectory-scorer";
    }

    @Override
    public void score(TrajectoryBatch batch, float[] risk) throws OrtException {
        if (closed) {
            throw new IllegalStateException("learned critic is closed");
        }
        int count = batch.count();
        if (count > capacity) {
            throw new IllegalArgumentException(
                    "batch of " + count + " exceeds the critic's capacity " + capacity);
        }
        fill(batch);
        try (OrtSession.Result ignored = session.run(inputs, pinned)) {
            for (int i = 0; i < count; i++) {
                risk[i] = output.get(i);
            }
        }
    }

    /** Writes the batch into the input buffer in the scorer's layout. */
    void fill(TrajectoryBatch b) {
        double c0 = Math.cos(b.robotTheta());
        double s0 = Math.sin(b.robotTheta());
        double rx0 = b.robotX();
        double ry0 = b.robotY();
        int people = Math.min(PEOPLE, b.people());
        int n = b.count();
        int steps = b.steps();
        double dt = b.dt();
        for (int k = 0; k < capacity; k++) {
            for (int t = 0; t < STEPS; t++) {
                java.util.Arrays.fill(row, 0f);
                if (k < n) {
                    double tau = (t + 1) * STEP_SECONDS;
                    double f = Math.max(0, Math.min(steps - 1, tau / dt - 1.0));
                    int i0 = (int) Math.floor(f);
                    int i1 = Math.min(steps - 1, i0 + 1);
                    double a = f - i0;
                    double wx = (1 - a) * b.x(k, i0) + a * b.x(k, i1);
                    double wy = (1 - a) * b.y(k, i0) + a * b.y(k, i1);
                    double h0 = b.heading(k, i0);
                    double dh = Math.IEEEremainder(b.heading(k, i1) - h0, 2 * Math.PI);
                    double heading = Math.IEEEremainder(h0 + a * dh - b.robotTheta(), 2 * Math.PI);
                    double speed = (1 - a) * b.speed(k, i0) + a * b.speed(k, i1);
                    double dx = wx - rx0;
                    double dy = wy - ry0;
                    row[ROBOT_X] = (float) (c0 * dx + s0 * dy);
                    row[ROBOT_Y] = (float) (-s0 * dx + c0 * dy);
                    row[ROBOT_HEADING] = (float) heading;
                    row[ROBOT_SPEED] = (float) speed;
                    for (int p = 0; p < people; p++) {
                        double px = b.personX(p) + b.personVx(p) * tau - wx;
                        double py = b.personY(p) + b.personVy(p) * tau - wy;
                        double vx = b.personVx(p);
                        double vy = b.personVy(p);
                        row[personFeature(p, PRESENT)] = 1f;
                        row[personFeature(p, PERSON_DX)] = (float) (c0 * px + s0 * py);
                        row[personFeature(p, PERSON_DY)] = (float) (-s0 * px + c0 * py);
                        row[personFeature(p, PERSON_VX)] = (float) (c0 * vx + s0 * vy);
                        row[personFeature(p, PERSON_VY)] = (float) (-s0 * vx + c0 * vy);
                    }
                }
                input.put((k * STEPS + t) * FEATURES, row);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        outputTensor.close();
        inputTensor.close();
        try {
            session.close();
        } catch (OrtException e) {
            Logger.warn(e, "Closing the learned critic's session failed");
        }
    }
}
