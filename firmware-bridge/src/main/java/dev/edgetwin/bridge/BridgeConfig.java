package dev.edgetwin.bridge;

import java.time.Duration;
import java.util.Objects;

/**
 * Link supervision settings for {@link BridgeLink}, validated when built: each bad field is named
 * with its value and what it must satisfy.
 *
 * @param controlPeriod how often the link runs: sends the rate-limited velocity command, checks
 *     timeouts (e.g. 20 ms); must be shorter than the MCU's watchdog (250 ms in the simulator)
 * @param heartbeatPeriod how often a heartbeat is sent (e.g. 100 ms); >= controlPeriod
 * @param linkTimeout silence (no valid frame from the MCU) after which the link is lost; >
 *     heartbeatPeriod
 * @param handshakeTimeout how long to wait for the MCU's hello
 * @param commandMaxAge a caller command older than this is stale and stops the robot; >=
 *     controlPeriod
 * @param stopConfirmTimeout how long odometry has to show standstill after a stop
 * @param maxVx |vx| limit, m/s
 * @param maxVy |vy| limit, m/s (0 for a differential drive)
 * @param maxWz |wz| limit, rad/s
 * @param maxLinearAcceleration limit on the change of vx and vy, m/s², applied per control period
 * @param maxAngularAcceleration limit on the change of wz, rad/s², applied per control period
 * @param stopDeceleration sent with controlled stops, m/s²; 0 = the firmware's default
 * @param standstillTolerance odometry |vx|, |vy| (m/s) and |wz| (rad/s) at or below this count as
 *     stopped
 * @param capabilities capability bits the host announces in its hello
 */
public record BridgeConfig(
        Duration controlPeriod,
        Duration heartbeatPeriod,
        Duration linkTimeout,
        Duration handshakeTimeout,
        Duration commandMaxAge,
        Duration stopConfirmTimeout,
        double maxVx,
        double maxVy,
        double maxWz,
        double maxLinearAcceleration,
        double maxAngularAcceleration,
        double stopDeceleration,
        double standstillTolerance,
        int capabilities) {

    public BridgeConfig {
        positive("controlPeriod", controlPeriod);
        positive("heartbeatPeriod", heartbeatPeriod);
        positive("linkTimeout", linkTimeout);
        positive("handshakeTimeout", handshakeTimeout);
        positive("commandMaxAge", commandMaxAge);
        positive("stopConfirmTimeout", stopConfirmTimeout);
        if (heartbeatPeriod.compareTo(controlPeriod) < 0) {
            throw new IllegalArgumentException(
                    "heartbeatPeriod = "
                            + heartbeatPeriod
                            + " must be >= controlPeriod = "
                            + controlPeriod);
        }
        if (linkTimeout.compareTo(heartbeatPeriod) <= 0) {
            throw new IllegalArgumentException(
                    "linkTimeout = "
                            + linkTimeout
                            + " must be > heartbeatPeriod = "
                            + heartbeatPeriod);
        }
        if (commandMaxAge.compareTo(controlPeriod) < 0) {
            throw new IllegalArgumentException(
                    "commandMaxAge = "
                            + commandMaxAge
                            + " must be >= controlPeriod = "
                            + controlPeriod);
        }
        nonNegative("maxVx", maxVx, 32.767);
        nonNegative("maxVy", maxVy, 32.767);
        nonNegative("maxWz", maxWz, 32.767);
        positiveFinite("maxLinearAcceleration", maxLinearAcceleration);
        positiveFinite("maxAngularAcceleration", maxAngularAcceleration);
        nonNegative("stopDeceleration", stopDeceleration, 65.535);
        nonNegative("standstillTolerance", standstillTolerance, 1.0);
    }

    /**
     * 20 ms control, 100 ms heartbeats, 300 ms link timeout, 1 s handshake, 200 ms command age, 1 s
     * to confirm a stop; 1.0 m/s, 0 m/s sideways, 1.5 rad/s; 1.0 m/s², 3.0 rad/s²; 0.01 standstill
     * tolerance; announces the odometry, battery and faults capabilities.
     */
    public static BridgeConfig defaults() {
        return new BridgeConfig(
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofMillis(300),
                Duration.ofSeconds(1),
                Duration.ofMillis(200),
                Duration.ofSeconds(1),
                1.0,
                0.0,
                1.5,
                1.0,
                3.0,
                0.0,
                0.01,
                Message.Hello.CAP_ODOMETRY | Message.Hello.CAP_BATTERY | Message.Hello.CAP_FAULTS);
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " = " + d + " must be positive");
        }
    }

    private static void positiveFinite(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " = " + v + " must be positive and finite");
        }
    }

    private static void nonNegative(String name, double v, double max) {
        if (!(v >= 0 && v <= max)) {
            throw new IllegalArgumentException(name + " = " + v + " is outside [0, " + max + "]");
        }
    }
}
