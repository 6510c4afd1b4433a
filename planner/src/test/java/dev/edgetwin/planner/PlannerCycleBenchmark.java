package dev.edgetwin.planner;

import dev.edgetwin.modelkit.ModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One planner control cycle (route check, MPPI at K x T, safety layer) on a 30 m x 4 m corridor
 * with two people walking, a box in the lane and a parked robot; the fake clock advances 50 ms a
 * cycle, so the warm start shifts as it would live. With {@code learned=true} the ONNX trajectory
 * scorer (trained by the model kit in setup) scores the best 256 candidates, deadline 4 ms. The
 * second benchmark is the learned critic alone on 256 candidates (feature fill + ORT run).
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * ./mvnw -o -q -pl planner -am test-compile
 * ./mvnw -o -q -pl planner dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * ORT_DISABLE_TELEMETRY=1 java -cp planner/target/test-classes:planner/target/classes:$(cat planner/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main PlannerCycleBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class PlannerCycleBenchmark {
    @Param({"4096"})
    public int samples;

    @Param({"64"})
    public int steps;

    @Param({"2"})
    public int threads;

    @Param({"false", "true"})
    public boolean learned;

    private Path cacheDir;
    private OnnxTrajectoryCritic critic;
    private Planner planner;
    private long now;
    private RobotState state;
    private Pose goal;
    private List<Track> tracks;
    private TrajectoryBatch batch;
    private float[] risk;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        double width = 4.0;
        double y = Worlds.centre(width);
        StaticMap map = Worlds.corridor(30, width);
        RobotConfig robot = RobotConfig.defaults();
        cacheDir = Files.createTempDirectory("edgetwin-planner-bench");
        critic = OnnxTrajectoryCritic.open(ModelCache.ensureTrajectoryScorer(cacheDir), 256, 1);
        PlannerConfig d = PlannerConfig.defaults();
        PlannerConfig cfg =
                d.withMppi(
                        d.mppi()
                                .withSamples(samples, steps)
                                .withThreads(threads)
                                .withLearned(256, Duration.ofMillis(4), 20.0));
        planner = new Planner(map, robot, cfg, () -> now, learned ? critic : null);
        state = new RobotState(new Pose(3, y, 0), new VelocityCommand(0.8, 0, 0));
        goal = new Pose(27, y, 0);
        tracks =
                List.of(
                        Track.of("p1", ObstacleClass.PERSON, 7, y + 1.0, -0.8, -0.1, 0.25, 0.1),
                        Track.of("p2", ObstacleClass.PERSON, 5.5, y - 1.2, 0.2, 0.6, 0.25, 0.1),
                        Track.of("box", ObstacleClass.BOX, 8, y - 0.2, 0, 0, 0.3, 0.05),
                        Track.of("amr", ObstacleClass.ROBOT, 11, y + 1.2, 0, 0, 0.4, 0.05));
        batch = new TrajectoryBatch(256, 64, 0.05);
        for (int k = 0; k < 256; k++) {
            for (int t = 0; t < 64; t++) {
                int i = k * 64 + t;
                double a = (k - 128) / 128.0 * 0.8 * (t + 1) * 0.05;
                batch.x[i] = (float) (3 + 0.9 * (t + 1) * 0.05);
                batch.y[i] = (float) (y + 0.5 * a);
                batch.cos[i] = (float) Math.cos(a);
                batch.sin[i] = (float) Math.sin(a);
                batch.speed[i] = 0.9f;
            }
        }
        batch.setCount(256);
        batch.setRobot(3, y, 0);
        batch.addPerson(7, y + 1.0, -0.8, -0.1);
        batch.addPerson(5.5, y - 1.2, 0.2, 0.6);
        risk = new float[256];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (learned) {
            StringBuilder sb = new StringBuilder("learned critic outcomes over the trial:");
            for (LearnedCriticStatus st : LearnedCriticStatus.values()) {
                sb.append(' ').append(st).append('=').append(planner.learnedCount(st));
            }
            System.out.println(sb);
        }
        planner.close();
        critic.close();
        try (var files = Files.list(cacheDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(cacheDir);
    }

    @Benchmark
    public VelocityCommand cycle() {
        now += 50_000_000L;
        return planner.cycle(new WorldSnapshot(now, tracks), state, goal).command();
    }

    @Benchmark
    public float learnedCritic256() throws Exception {
        critic.score(batch, risk);
        return risk[0];
    }
}
