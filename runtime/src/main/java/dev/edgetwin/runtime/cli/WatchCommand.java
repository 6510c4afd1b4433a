package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin watch}: prints what robots publish, one line a message, and the gaps and
 * duplicates it detects from the messages' msgSeq and prevMsgSeq ({@link DeliveryCheck}); counts at
 * the end (--count, --timeout or Ctrl-C).
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description =
                "Subscribes to the twin and prints each message as 'topic payload' (or a JSON"
                        + " line with --json), marking duplicates and gaps; counts at the end.")
final class WatchCommand implements Callable<Integer> {
    static final int EXIT_NO_BROKER = 2;
    static final int EXIT_TIMED_OUT = 1;
    static final int EXIT_BAD_OPTION = 64;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--mqtt-host",
            defaultValue = "127.0.0.1",
            description = "Broker host. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(
            names = "--mqtt-port",
            defaultValue = "1883",
            description = "Broker port. Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(
            names = {"-t", "--topic"},
            defaultValue = "edgetwin/#",
            description = "Topic filter. Default: ${DEFAULT-VALUE}.")
    String topic;

    @Option(
            names = "--robot",
            paramLabel = "ID",
            description = "Only this robot (any site): the filter edgetwin/+/ID/#.")
    String robot;

    @Option(
            names = "--json",
            description =
                    "One JSON object a line: {\"topic\", \"payload\", \"verdict\"}, then"
                            + " {\"summary\": {...}}.")
    boolean json;

    @Option(
            names = {"-n", "--count"},
            defaultValue = "0",
            description = "Exit after this many messages (0: never).")
    long count;

    @Option(
            names = "--timeout",
            defaultValue = "0",
            description =
                    "Give up after this many seconds (0: never); exit code 1 if fewer than --count messages came.")
    long timeoutSeconds;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (robot != null) {
            try {
                new TwinTopics("site", robot);
            } catch (IllegalArgumentException e) {
                err.printf("edgetwin watch: --robot: %s%n", e.getMessage());
                return EXIT_BAD_OPTION;
            }
            topic = TwinTopics.ROOT + "/+/" + robot + "/#";
        }
        DeliveryCheck check = new DeliveryCheck();
        AtomicBoolean summarized = new AtomicBoolean();
        Runnable summary =
                () -> {
                    if (summarized.compareAndSet(false, true)) {
                        synchronized (out) {
                            printSummary(out, check);
                        }
                    }
                };
        Thread hook = new Thread(summary, "watch-summary");
        Runtime.getRuntime().addShutdownHook(hook); // Ctrl-C
        try {
            return watch(out, err, check);
        } finally {
            summary.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook prints (or printed) the summary.
            }
        }
    }

    private void printSummary(PrintWriter out, DeliveryCheck check) {
        if (json) {
            ObjectNode s = JSON.createObjectNode();
            ObjectNode counts = s.putObject("summary");
            counts.put("messages", check.messages());
            counts.put("duplicates", check.duplicates());
            counts.put("gaps", check.gaps());
            counts.put("outOfOrder", check.outOfOrder());
            out.println(s.toString());
        } else {
            out.printf(
                    "# %d message(s), %d duplicate(s), %d gap(s), %d out of order%n",
                    check.messages(), check.duplicates(), check.gaps(), check.outOfOrder());
        }
        out.flush();
    }

    private void print(PrintWriter out, DeliveryCheck check, String t, byte[] payload) {
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (IOException | RuntimeException e) {
            node = null;
        }
        long lastBefore = check.last(t);
        DeliveryCheck.Verdict verdict = check.observe(t, node);
        String text = new String(payload, StandardCharsets.UTF_8);
        synchronized (out) {
            if (json) {
                ObjectNode line = JSON.createObjectNode();
                line.put("topic", t);
                if (node != null) {
                    line.set("payload", node);
                } else {
                    line.put("payload", text);
                }
                line.put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT));
                out.println(line.toString());
            } else {
                out.println(t + " " + text);
                if (verdict == DeliveryCheck.Verdict.DUPLICATE) {
                    out.printf(
                            "# duplicate: msgSeq %d (epoch %d) again on %s%n",
                            node.get("msgSeq").asLong(), node.path("epoch").asLong(), t);
                } else if (verdict == DeliveryCheck.Verdict.GAP) {
                    out.printf(
                            "# gap on %s: last msgSeq seen %d, this one follows %d%n",
                            t, lastBefore, node.get("prevMsgSeq").asLong());
                } else if (verdict == DeliveryCheck.Verdict.OUT_OF_ORDER) {
                    out.printf(
                            "# out of order on %s: msgSeq %d after %d%n",
                            t, node.get("msgSeq").asLong(), lastBefore);
                }
            }
            out.flush();
        }
    }

    private Integer watch(PrintWriter out, PrintWriter err, DeliveryCheck check) {
        String uri = "tcp://" + host + ":" + port;
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        MqttClient client;
        try {
            client =
                    new MqttClient(
                            uri,
                            "edgetwin-watch-" + ProcessHandle.current().pid(),
                            new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            err.printf("edgetwin watch: bad broker address %s: %s%n", uri, e.getMessage());
            return EXIT_NO_BROKER;
        }
        try {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setConnectionTimeout(10);
            client.connect(options);
            client.subscribe(
                    topic,
                    1,
                    (t, message) -> {
                        print(out, check, t, message.getPayload());
                        if (count > 0 && received.incrementAndGet() >= count) {
                            done.countDown();
                        }
                    });
            err.printf("edgetwin watch: subscribed to '%s' on %s%n", topic, uri);
            err.flush();
            boolean finished;
            if (timeoutSeconds > 0) {
                finished = done.await(timeoutSeconds, TimeUnit.SECONDS);
            } else {
                done.await();
                finished = true;
            }
            if (!finished && count > 0) {
                err.printf(
                        "edgetwin watch: %d of %d messages within %d s%n",
                        received.get(), count, timeoutSeconds);
                return EXIT_TIMED_OUT;
            }
            return 0;
        } catch (MqttException e) {
            err.printf(
                    "edgetwin watch: no MQTT broker answers at %s (%s). Is './edgetwin run' running?%n",
                    uri, e.getMessage());
            return EXIT_NO_BROKER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000);
                }
                client.close(true);
            } catch (MqttException ignored) {
                // Exiting anyway; nothing to release that the process exit does not.
            }
        }
    }
}
