package dev.edgetwin.bridge;

import java.util.Objects;

/**
 * The messages of firmware protocol version 1 (docs/firmware-protocol.md). Values are in SI units
 * (m, m/s, rad, rad/s, V, A); each record rounds them to the wire resolution when built, so a
 * record equals what the other side decodes, and rejects values the fixed-point encoding cannot
 * carry with an {@link IllegalArgumentException} naming the field, the value and the range.
 */
public sealed interface Message
        permits Message.Hello,
                Message.Heartbeat,
                Message.VelocityCommand,
                Message.ControlledStop,
                Message.EStopLatch,
                Message.EStopReset,
                Message.Odometry,
                Message.Battery,
                Message.Faults,
                Message.Ack,
                Message.Nack {

    /**
     * Version handshake, sent by each side when the link opens; the MCU answers the host's hello
     * with its own.
     *
     * @param protocolVersion the protocol version the sender speaks (1..255; this one is 1)
     * @param versionMajor the sender's software version (firmware on the MCU), 0..255
     * @param versionMinor 0..255
     * @param versionPatch 0..255
     * @param capabilities 32 capability bits, see the {@code CAP_*} constants
     */
    record Hello(
            int protocolVersion,
            int versionMajor,
            int versionMinor,
            int versionPatch,
            int capabilities)
            implements Message {
        /** The protocol version this implementation speaks. */
        public static final int PROTOCOL_VERSION = 1;

        /** The base can move sideways: vy is honoured (else a non-zero vy is nacked). */
        public static final int CAP_HOLONOMIC = 1;

        /** The MCU sends odometry. */
        public static final int CAP_ODOMETRY = 1 << 1;

        /** The MCU sends battery reports. */
        public static final int CAP_BATTERY = 1 << 2;

        /** The MCU sends fault reports. */
        public static final int CAP_FAULTS = 1 << 3;

        /** A controlled stop honours the requested deceleration. */
        public static final int CAP_STOP_DECELERATION = 1 << 4;

        public Hello {
            Wire.PROTOCOL.check(protocolVersion);
            Wire.VERSION_MAJOR.check(versionMajor);
            Wire.VERSION_MINOR.check(versionMinor);
            Wire.VERSION_PATCH.check(versionPatch);
        }
    }

    /**
     * Liveness, sent by both sides at a fixed period.
     *
     * @param uptimeMillis the sender's monotonic uptime in ms modulo 2^32 (0..4294967295)
     */
    record Heartbeat(long uptimeMillis) implements Message {
        public Heartbeat {
            Wire.UPTIME.check(uptimeMillis);
        }
    }

    /**
     * Host to MCU: drive at this body-frame twist until the next command or the MCU's watchdog.
     *
     * @param vx forward speed, m/s, [-32.768, 32.767] in steps of 0.001
     * @param vy leftward speed, m/s, same encoding (holonomic bases only)
     * @param wz yaw rate, rad/s counter-clockwise, [-32.768, 32.767] in steps of 0.001
     */
    record VelocityCommand(double vx, double vy, double wz) implements Message {
        public VelocityCommand {
            vx = Wire.CMD_VX.quantize(vx);
            vy = Wire.CMD_VY.quantize(vy);
            wz = Wire.CMD_WZ.quantize(wz);
        }
    }

    /**
     * Host to MCU: decelerate to standstill and hold; motors stay enabled.
     *
     * @param deceleration m/s², [0, 65.535] in steps of 0.001; 0 means the firmware's default
     */
    record ControlledStop(double deceleration) implements Message {
        public ControlledStop {
            deceleration = Wire.STOP_DECEL.quantize(deceleration);
        }
    }

    /**
     * Host to MCU: emergency stop, latched until an {@link EStopReset}.
     *
     * @param reason host-defined reason code (0..65535), logged by the MCU
     */
    record EStopLatch(int reason) implements Message {
        public EStopLatch {
            Wire.ESTOP_REASON.check(reason);
        }
    }

    /** Host to MCU: clear a latched emergency stop; the frame carries a fixed confirmation key. */
    record EStopReset() implements Message {}

    /**
     * MCU to host: dead-reckoned pose in the odometry frame and body-frame twist.
     *
     * @param timeMillis MCU uptime when measured, ms modulo 2^32
     * @param x metres, [-2147483.648, 2147483.647] in steps of 0.001
     * @param y metres, same encoding
     * @param yaw radians counter-clockwise, [-3.2768, 3.2767] in steps of 0.0001
     * @param vx m/s, as {@link VelocityCommand#vx()}
     * @param vy m/s, as {@link VelocityCommand#vy()}
     * @param wz rad/s, as {@link VelocityCommand#wz()}
     */
    record Odometry(
            long timeMillis, double x, double y, double yaw, double vx, double vy, double wz)
            implements Message {
        public Odometry {
            Wire.ODO_TIME.check(timeMillis);
            x = Wire.ODO_X.quantize(x);
            y = Wire.ODO_Y.quantize(y);
            yaw = Wire.ODO_YAW.quantize(yaw);
            vx = Wire.ODO_VX.quantize(vx);
            vy = Wire.ODO_VY.quantize(vy);
            wz = Wire.ODO_WZ.quantize(wz);
        }
    }

    /**
     * MCU to host: battery state.
     *
     * @param voltage volts, [0, 65.535] in steps of 0.001
     * @param current amperes drawn from the battery (negative while charging), [-327.68, 327.67] in
     *     steps of 0.01
     * @param stateOfCharge fraction of full charge, [0, 1] in steps of 0.0001
     */
    record Battery(double voltage, double current, double stateOfCharge) implements Message {
        public Battery {
            voltage = Wire.BAT_VOLTAGE.quantize(voltage);
            current = Wire.BAT_CURRENT.quantize(current);
            stateOfCharge = Wire.BAT_SOC.quantize(stateOfCharge);
        }
    }

    /**
     * MCU to host: the active faults, sent on every change and periodically while any is active.
     *
     * @param active 32 fault bits, see the constants; 0 when healthy
     * @param code firmware-specific code of the most recent fault (0..65535, 0 for none)
     */
    record Faults(int active, int code) implements Message {
        public static final int MOTOR_OVERCURRENT = 1;
        public static final int MOTOR_STALLED = 1 << 1;
        public static final int ENCODER = 1 << 2;
        public static final int UNDERVOLTAGE = 1 << 3;
        public static final int OVERTEMPERATURE = 1 << 4;

        /** The MCU's command watchdog expired and it stopped the motors. */
        public static final int COMMAND_TIMEOUT = 1 << 5;

        public static final int ESTOP_LATCHED = 1 << 6;

        /** The MCU is discarding corrupted frames faster than its threshold. */
        public static final int LINK_ERRORS = 1 << 7;

        public Faults {
            Wire.FAULT_CODE.check(code);
        }
    }

    /**
     * The command with this sequence number was accepted.
     *
     * @param sequence the acknowledged frame's sequence number, 0..65535
     */
    record Ack(int sequence) implements Message {
        public Ack {
            Wire.ACKED.check(sequence);
        }
    }

    /**
     * The command with this sequence number was refused.
     *
     * @param sequence the refused frame's sequence number, 0..65535
     * @param reason why
     */
    record Nack(int sequence, Reason reason) implements Message {
        public Nack {
            Wire.ACKED.check(sequence);
            Objects.requireNonNull(reason, "reason");
        }

        /** Why a command was refused; {@link #code()} is the wire value. */
        public enum Reason {
            /** The receiver does not handle this message type. */
            UNSUPPORTED_MESSAGE(1),
            /** A field is outside what the receiver accepts (e.g. over its velocity limits). */
            OUT_OF_RANGE(2),
            /** Motion refused while the emergency stop is latched. */
            ESTOP_LATCHED(3),
            /** The sequence number is old or a duplicate. */
            STALE_SEQUENCE(4),
            /** No hello exchanged yet. */
            NOT_READY(5),
            /** vy != 0 on a base without {@link Hello#CAP_HOLONOMIC}. */
            NOT_HOLONOMIC(6),
            /** A fault prevents motion. */
            FAULT_ACTIVE(7);

            private final int code;

            Reason(int code) {
                this.code = code;
            }

            public int code() {
                return code;
            }

            static Reason ofCode(int code) {
                for (Reason r : values()) {
                    if (r.code == code) {
                        return r;
                    }
                }
                throw new IllegalArgumentException(
                        "nack reason = " + code + " is not a known reason code [1, 7]");
            }
        }
    }
}
