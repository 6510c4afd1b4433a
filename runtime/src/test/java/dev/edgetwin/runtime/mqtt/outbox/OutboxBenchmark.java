package dev.edgetwin.runtime.mqtt.outbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The cost per message of the outbox's steady state: append a 1 KB message, take it with {@code
 * next()}, acknowledge it, under each fsync policy. Segments are the default 4 MiB, so the figure
 * includes rolling a segment every ~4000 messages and the acknowledgement log's compaction. The
 * outbox lives in a fresh folder under {@code java.io.tmpdir} (override with {@code
 * -Doutbox.bench.dir=...}); what its file system is decides the fsync figures.
 *
 * <p>Run (from the repository root, after {@code ./mvnw -q -pl runtime -am test-compile}):
 *
 * <pre>
 * ./mvnw -q -pl runtime dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
 * java -cp runtime/target/test-classes:runtime/target/classes:$(cat runtime/target/test-classpath.txt) \
 *     org.openjdk.jmh.Main OutboxBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = "-Xmx512m")
public class OutboxBenchmark {
    @Param({"never", "every-10ms", "every-record"})
    public String fsync;

    private Path dir;
    private DurableOutbox outbox;
    private OutboxMessage message;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path parent =
                Path.of(
                        System.getProperty(
                                "outbox.bench.dir", System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(parent, "edgetwin-outbox-bench");
        FsyncPolicy policy =
                switch (fsync) {
                    case "never" -> FsyncPolicy.never();
                    case "every-10ms" -> FsyncPolicy.every(Duration.ofMillis(10));
                    case "every-record" -> FsyncPolicy.everyRecord();
                    default -> throw new IllegalArgumentException("fsync " + fsync);
                };
        outbox = DurableOutbox.open(new OutboxConfig(dir, 64L << 20, 4 << 20, policy));
        byte[] payload = new byte[1024];
        new Random(7).nextBytes(payload);
        message =
                new OutboxMessage(
                        "edgetwin/demo/sim-robot-1/twin/state", payload, 1, true, Priority.STATE);
    }

    @Benchmark
    public long appendTakeAcknowledge() throws Exception {
        outbox.append(message);
        long seq = outbox.next().seq();
        outbox.acknowledge(seq);
        return seq;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        outbox.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
