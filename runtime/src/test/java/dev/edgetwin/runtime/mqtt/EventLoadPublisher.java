package dev.edgetwin.runtime.mqtt;

import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The publishing side of {@link MosquittoFaultTest}, run in a child JVM so that the test can kill
 * it with SIGKILL: a {@link TwinPublisher} on a state directory (outbox and session epoch on disk,
 * as the daemon runs it), offered events at a fixed rate.
 *
 * <p>Arguments: {@code brokerUri stateDir site robot firstId rateHz maxSeconds}. Event {@code k}
 * (from {@code firstId}) is an {@code appeared} event of object {@code k}, so a subscriber can tell
 * runs and order apart; with rate 0 it offers none (a run that only sends what the outbox holds).
 * Prints {@code started epoch=E} once the publisher runs, a progress line every 2 s; stops cleanly
 * (offline status, drain, disconnect) on a {@code stop} line or the end of stdin (the test JVM went
 * away), or after {@code maxSeconds}, and prints {@code stopped offered=N ...}.
 */
public final class EventLoadPublisher {
    private EventLoadPublisher() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println(
                    "usage: EventLoadPublisher brokerUri stateDir site robot firstId rateHz"
                            + " maxSeconds");
            System.exit(2);
        }
        String uri = args[0];
        Path stateDir = Path.of(args[1]);
        TwinTopics topics = new TwinTopics(args[2], args[3]);
        long firstId = Long.parseLong(args[4]);
        double rate = Double.parseDouble(args[5]);
        long maxNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[6]));

        PublisherConfig config =
                PublisherConfig.defaults(uri, topics, 5, stateDir)
                        .withTimings(
                                // The daemon's CONNACK timeout (a loaded broker may be slow to
                                // answer), a quicker first retry than its 0.5 s.
                                Duration.ofSeconds(10),
                                Duration.ofMillis(100),
                                Duration.ofSeconds(1));
        Thread stopper =
                new Thread(
                        () -> {
                            try (BufferedReader in =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    System.in, StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = in.readLine()) != null && !line.equals("stop")) {
                                    // other lines are ignored
                                }
                            } catch (java.io.IOException e) {
                                // stdin gone: stop as for EOF
                            }
                        },
                        "stdin-stop");
        stopper.setDaemon(true);
        stopper.start();

        long offered = 0;
        try (TwinPublisher publisher = new TwinPublisher(config)) {
            System.out.println("started epoch=" + publisher.epoch());
            System.out.flush();
            long interval = rate > 0 ? (long) (1e9 / rate) : TimeUnit.MILLISECONDS.toNanos(100);
            long start = System.nanoTime();
            long due = start;
            long nextReport = start + TimeUnit.SECONDS.toNanos(2);
            while (stopper.isAlive() && System.nanoTime() - start < maxNanos) {
                long now = System.nanoTime();
                if (now - nextReport >= 0) {
                    nextReport += TimeUnit.SECONDS.toNanos(2);
                    PublisherCounters c = publisher.counters();
                    System.out.println(
                            "t="
                                    + TimeUnit.NANOSECONDS.toSeconds(now - start)
                                    + "s offered="
                                    + offered
                                    + " acknowledged="
                                    + c.acknowledged()
                                    + " backlog="
                                    + c.outbox().backlogRecords()
                                    + " connects="
                                    + c.connects()
                                    + " failed="
                                    + c.failed()
                                    + " connected="
                                    + publisher.isConnected());
                    System.out.flush();
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the event rate, not synchronisation
                }
                due += interval;
                if (rate <= 0) {
                    continue;
                }
                long id = firstId + offered;
                publisher.offerEvent(
                        new TwinEvent(
                                "appeared",
                                System.currentTimeMillis() * 1_000_000L,
                                id,
                                "box",
                                (id % 1000) / 100.0,
                                -0.5));
                offered++;
            }
            PublisherCounters c = publisher.counters();
            System.out.println(
                    "stopping offered="
                            + offered
                            + " refused="
                            + c.eventsRefused()
                            + " acknowledged="
                            + c.acknowledged()
                            + " backlog="
                            + c.outbox().backlogRecords());
            System.out.flush();
        }
        System.out.println("stopped offered=" + offered);
        System.out.flush();
    }
}
