package dev.edgetwin.runtime;

import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.runtime.mqtt.BrokerSecurity;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.runtime.twin.TwinTopics;
import dev.edgetwin.vision.OutputLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the daemon needs to start, validated when built: a bad value is named with the field
 * it was given for.
 *
 * @param site factory site, an MQTT topic level
 * @param robotId this robot, an MQTT topic level
 * @param mqttHost broker host (the embedded broker binds it)
 * @param mqttPort broker port
 * @param embeddedBroker start an in-process broker on mqttHost:mqttPort
 * @param modelPath detector model; null means the generated reference detector
 * @param int8ModelPath the detector's int8 build, served instead when the profile asks for int8 and
 *     it is faster here (see {@link dev.edgetwin.runtime.inference.PrecisionSelector}); null means
 *     none, except for the generated reference detector, which is quantized from simulator frames
 * @param modelCacheDir where generated models are kept
 * @param cameraFps frames per second the simulated camera delivers
 * @param publishRateHz most twin states per second sent to the broker
 * @param confidenceThreshold detector score below which detections are dropped
 * @param seed the simulated factory's seed
 * @param profile how models run on this device (execution providers, precision, threads)
 * @param stateDir where the publisher keeps its durable outbox ({@code outbox/}) and session epoch
 *     ({@code session.epoch}); one daemon at a time owns it
 * @param twinCodec how the twin is published: JSON (with events) or Sparkplug B
 * @param eventRules the path corridor and fall rules of the twin's events
 * @param detectorLayout the detector's output layout; AUTO recognises it from the output shape and
 *     the model's metadata
 * @param mqttSecurity TLS, mutual TLS and the MQTT username/password of the external broker (JSON
 *     codec); {@link BrokerSecurity#none()}: plain TCP, anonymous
 */
public record DaemonConfig(
        String site,
        String robotId,
        String mqttHost,
        int mqttPort,
        boolean embeddedBroker,
        Path modelPath,
        Path int8ModelPath,
        Path modelCacheDir,
        double cameraFps,
        double publishRateHz,
        float confidenceThreshold,
        long seed,
        DeviceProfile profile,
        Path stateDir,
        TwinCodec twinCodec,
        EventDetector.Rules eventRules,
        OutputLayout detectorLayout,
        BrokerSecurity mqttSecurity) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 1883;

    public DaemonConfig {
        new TwinTopics(site, robotId); // validates both as topic levels
        Objects.requireNonNull(mqttHost, "mqttHost");
        if (mqttHost.isBlank()) {
            throw new IllegalArgumentException("MQTT host must not be empty");
        }
        if (mqttPort < 1 || mqttPort > 65535) {
            throw new IllegalArgumentException("MQTT port must be in 1..65535, got " + mqttPort);
        }
        if (int8ModelPath != null && modelPath == null) {
            throw new IllegalArgumentException(
                    "an int8 model ("
                            + int8ModelPath
                            + ") needs the fp32 model it was made from: give that as the model");
        }
        Objects.requireNonNull(modelCacheDir, "modelCacheDir");
        if (!(cameraFps > 0 && cameraFps <= 120)) {
            throw new IllegalArgumentException("camera fps must be in (0, 120], got " + cameraFps);
        }
        if (!(publishRateHz > 0 && publishRateHz <= 100)) {
            throw new IllegalArgumentException(
                    "publish rate must be in (0, 100] Hz, got " + publishRateHz);
        }
        if (!(confidenceThreshold > 0 && confidenceThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "confidence threshold must be in (0, 1], got " + confidenceThreshold);
        }
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(twinCodec, "twinCodec");
        Objects.requireNonNull(eventRules, "eventRules");
        Objects.requireNonNull(detectorLayout, "detectorLayout");
        Objects.requireNonNull(mqttSecurity, "mqttSecurity");
        if (embeddedBroker && mqttSecurity.tls()) {
            throw new IllegalArgumentException(
                    "the embedded broker speaks plain TCP only: TLS needs an external broker"
                            + " (--external-broker)");
        }
    }

    /** As the canonical constructor, with plain TCP and no credentials. */
    public DaemonConfig(
            String site,
            String robotId,
            String mqttHost,
            int mqttPort,
            boolean embeddedBroker,
            Path modelPath,
            Path int8ModelPath,
            Path modelCacheDir,
            double cameraFps,
            double publishRateHz,
            float confidenceThreshold,
            long seed,
            DeviceProfile profile,
            Path stateDir,
            TwinCodec twinCodec,
            EventDetector.Rules eventRules,
            OutputLayout detectorLayout) {
        this(
                site,
                robotId,
                mqttHost,
                mqttPort,
                embeddedBroker,
                modelPath,
                int8ModelPath,
                modelCacheDir,
                cameraFps,
                publishRateHz,
                confidenceThreshold,
                seed,
                profile,
                stateDir,
                twinCodec,
                eventRules,
                detectorLayout,
                BrokerSecurity.none());
    }

    public String mqttUri() {
        return mqttSecurity.scheme() + "://" + mqttHost + ":" + mqttPort;
    }

    public TwinTopics topics() {
        return new TwinTopics(site, robotId);
    }
}
