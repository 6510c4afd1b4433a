package dev.edgetwin.sim.firmware;

import java.time.Duration;
import java.util.Objects;

/**
 * The simulated MCU and its differential-drive base, validated when built.
 *
 * @param tickPeriod firmware loop period: physics, watchdog, reports (e.g. 10 ms)
 * @param watchdogTimeout motors stop when no valid velocity command or controlled stop arrives
 *     within this (250 ms by default)
 * @param odometryPeriod how often odometry is sent; >= tickPeriod
 * @param heartbeatPeriod how often a heartbeat is sent (and faults, while any is active)
 * @param batteryPeriod how often a battery report is sent
 * @param maxLinearSpeed m/s; commands beyond it are clamped
 * @param maxAngularSpeed rad/s; commands beyond it are clamped
 * @param maxLinearAcceleration m/s², also the default controlled-stop deceleration
 * @param maxAngularAcceleration rad/s²
 * @param trackWidth distance between the wheels, m
 * @param odometryNoise standard deviation of the relative error of each measured wheel speed (0 =
 *     exact); a wheel at rest measures exactly 0
 * @param seed seed of the noise and fault-injection random numbers
 * @param batteryCapacityAh capacity, Ah
 * @param idleCurrent current drawn at rest, A
 * @param currentPerSpeed extra current per m/s of mean wheel speed, A·s/m
 */
public record FirmwareConfig(
        Duration tickPeriod,
        Duration watchdogTimeout,
        Duration odometryPeriod,
        Duration heartbeatPeriod,
        Duration batteryPeriod,
        double maxLinearSpeed,
        double maxAngularSpeed,
        double maxLinearAcceleration,
        double maxAngularAcceleration,
        double trackWidth,
        double odometryNoise,
        long seed,
        double batteryCapacityAh,
        double idleCurrent,
        double currentPerSpeed) {

    public FirmwareConfig {
        positive("tickPeriod", tickPeriod);
        positive("watchdogTimeout", watchdogTimeout);
        positive("odometryPeriod", odometryPeriod);
        positive("heartbeatPeriod", heartbeatPeriod);
        positive("batteryPeriod", batteryPeriod);
        if (watchdogTimeout.compareTo(tickPeriod) < 0) {
            throw new IllegalArgumentException(
                    "watchdogTimeout = "
                            + watchdogTimeout
                            + " must be >= tickPeriod = "
                            + tickPeriod);
        }
        positiveFinite("maxLinearSpeed", maxLinearSpeed);
        positiveFinite("maxAngularSpeed", maxAngularSpeed);
        positiveFinite("maxLinearAcceleration", maxLinearAcceleration);
        positiveFinite("maxAngularAcceleration", maxAngularAcceleration);
        positiveFinite("trackWidth", trackWidth);
        if (!(odometryNoise >= 0 && odometryNoise <= 0.5)) {
            throw new IllegalArgumentException(
                    "odometryNoise = " + odometryNoise + " is outside [0, 0.5]");
        }
        positiveFinite("batteryCapacityAh", batteryCapacityAh);
        if (!(idleCurrent >= 0 && Double.isFinite(idleCurrent))) {
            throw new IllegalArgumentException("idleCurrent = " + idleCurrent + " must be >= 0");
        }
        if (!(currentPerSpeed >= 0 && Double.isFinite(currentPerSpeed))) {
            throw new IllegalArgumentException(
                    "currentPerSpeed = " + currentPerSpeed + " must be >= 0");
        }
    }

    /**
     * 10 ms loop, 250 ms watchdog, odometry every 20 ms, heartbeat 100 ms, battery 1 s; 1.2 m/s,
     * 2.0 rad/s, 1.5 m/s², 4.0 rad/s²; 0.4 m track; no noise; seed 1; 20 Ah, 0.5 A idle, 4 A per
     * m/s.
     */
    public static FirmwareConfig defaults() {
        return new FirmwareConfig(
                Duration.ofMillis(10),
                Duration.ofMillis(250),
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofSeconds(1),
                1.2,
                2.0,
                1.5,
                4.0,
                0.4,
                0.0,
                1,
                20.0,
                0.5,
                4.0);
    }

    /** This configuration with another odometry noise and seed. */
    public FirmwareConfig withNoise(double noise, long newSeed) {
        return new FirmwareConfig(
                tickPeriod,
                watchdogTimeout,
                odometryPeriod,
                heartbeatPeriod,
                batteryPeriod,
                maxLinearSpeed,
                maxAngularSpeed,
                maxLinearAcceleration,
                maxAngularAcceleration,
                trackWidth,
                noise,
                newSeed,
                batteryCapacityAh,
                idleCurrent,
                currentPerSpeed);
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
}
