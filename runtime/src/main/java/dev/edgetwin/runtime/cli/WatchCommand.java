package dev.edgetwin.runtime.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgetwin watch}: prints what robots publish, one "topic payload" line a message. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = "Subscribes to the twin and prints each message as: topic payload")
final class WatchCommand implements Callable<Integer> {
    static final int EXIT_NO_BROKER = 2;
    static final int EXIT_TIMED_OUT = 1;

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

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
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
                        synchronized (out) {
                            out.println(
                                    t
                                            + " "
                                            + new String(
                                                    message.getPayload(), StandardCharsets.UTF_8));
                            out.flush();
                        }
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
