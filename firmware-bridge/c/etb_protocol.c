/* edgetwin firmware protocol v1, reference implementation. See etb_protocol.h. */
#include "etb_protocol.h"

#include <string.h>

static const char *const STATUS_NAMES[] = {
    "OK", "COBS_INVALID", "FRAME_TOO_SHORT", "FRAME_TOO_LONG", "CRC_MISMATCH",
    "UNSUPPORTED_VERSION", "LENGTH_MISMATCH", "UNKNOWN_TYPE", "BAD_PAYLOAD_LENGTH",
    "INVALID_FIELD", "BUFFER_TOO_SMALL"};

const char *etb_status_name(etb_status status) {
    return (unsigned)status < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0]
               ? STATUS_NAMES[status]
               : "?";
}

/* Payload length per type; 0 = not a type of this version (every defined type has a payload). */
static uint8_t payload_length(uint8_t type) {
    switch (type) {
    case ETB_HELLO: return 8;
    case ETB_HEARTBEAT: return 4;
    case ETB_VELOCITY_COMMAND: return 6;
    case ETB_CONTROLLED_STOP: return 2;
    case ETB_ESTOP_LATCH: return 2;
    case ETB_ESTOP_RESET: return 4;
    case ETB_ODOMETRY: return 20;
    case ETB_BATTERY: return 6;
    case ETB_FAULTS: return 6;
    case ETB_ACK: return 2;
    case ETB_NACK: return 3;
    default: return 0;
    }
}

const char *etb_type_name(uint8_t type) {
    switch (type) {
    case ETB_HELLO: return "HELLO";
    case ETB_HEARTBEAT: return "HEARTBEAT";
    case ETB_VELOCITY_COMMAND: return "VELOCITY_COMMAND";
    case ETB_CONTROLLED_STOP: return "CONTROLLED_STOP";
    case ETB_ESTOP_LATCH: return "ESTOP_LATCH";
    case ETB_ESTOP_RESET: return "ESTOP_RESET";
    case ETB_ODOMETRY: return "ODOMETRY";
    case ETB_BATTERY: return "BATTERY";
    case ETB_FAULTS: return "FAULTS";
    case ETB_ACK: return "ACK";
    case ETB_NACK: return "NACK";
    default: return "?";
    }
}

uint32_t etb_crc32c(const uint8_t *data, size_t length) {
    /* Bitwise: no table, small flash; ~8 shifts per byte is fine at UART rates. */
    uint32_t crc = 0xFFFFFFFFu;
    size_t i;
    int k;
    for (i = 0; i < length; i++) {
        crc ^= data[i];
        for (k = 0; k < 8; k++) {
            crc = (crc & 1u) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
    }
    return crc ^ 0xFFFFFFFFu;
}

size_t etb_cobs_encode(const uint8_t *in, size_t length, uint8_t *out, size_t out_cap) {
    size_t code_at = 0, o = 1, i;
    uint8_t code = 1;
    if (out_cap < length + length / 254u + 1u) {
        return 0;
    }
    for (i = 0; i < length; i++) {
        if (in[i] != 0) {
            out[o++] = in[i];
            code++;
        }
        if (in[i] == 0 || code == 0xFF) {
            out[code_at] = code;
            code = 1;
            code_at = o;
            if (in[i] == 0 || i + 1 < length) {
                o++;
            }
        }
    }
    if (code_at < o) {
        out[code_at] = code;
    }
    return o;
}

etb_status etb_cobs_decode(const uint8_t *in, size_t length, uint8_t *out, size_t out_cap,
                           size_t *out_length) {
    size_t i = 0, o = 0;
    if (length == 0) {
        return ETB_ERR_COBS_INVALID;
    }
    while (i < length) {
        uint8_t code = in[i++];
        uint8_t k;
        if (code == 0 || (size_t)(code - 1u) > length - i) {
            return ETB_ERR_COBS_INVALID;
        }
        for (k = 1; k < code; k++) {
            if (in[i] == 0 || o >= out_cap) {
                return ETB_ERR_COBS_INVALID;
            }
            out[o++] = in[i++];
        }
        if (code != 0xFF && i < length) {
            if (o >= out_cap) {
                return ETB_ERR_COBS_INVALID;
            }
            out[o++] = 0;
        }
    }
    *out_length = o;
    return ETB_OK;
}

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | (uint16_t)p[1] << 8); }

static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

/* Two's complement reinterpretation without implementation-defined conversions. */
static int16_t s16(uint16_t v) { return v < 0x8000u ? (int16_t)v : (int16_t)(-(int32_t)(0xFFFFu - v) - 1); }

static int32_t s32(uint32_t v) {
    return v < 0x80000000u ? (int32_t)v : (int32_t)(-(int32_t)(0xFFFFFFFFu - v) - 1);
}

etb_status etb_encode(const etb_message *m, uint8_t *frame, size_t frame_cap,
                      size_t *frame_length) {
    uint8_t raw[ETB_MAX_RAW];
    uint8_t *p = raw + ETB_HEADER_LEN;
    uint8_t plen = payload_length(m->type);
    size_t n, encoded;
    if (plen == 0) {
        return ETB_ERR_UNKNOWN_TYPE;
    }
    raw[0] = ETB_PROTOCOL_VERSION;
    raw[1] = m->type;
    put16(raw + 2, m->sequence);
    raw[4] = plen;
    switch (m->type) {
    case ETB_HELLO:
        p[0] = m->u.hello.protocol;
        p[1] = m->u.hello.major;
        p[2] = m->u.hello.minor;
        p[3] = m->u.hello.patch;
        put32(p + 4, m->u.hello.capabilities);
        break;
    case ETB_HEARTBEAT: put32(p, m->u.heartbeat.uptime_ms); break;
    case ETB_VELOCITY_COMMAND:
        put16(p, (uint16_t)m->u.velocity.vx_mm_s);
        put16(p + 2, (uint16_t)m->u.velocity.vy_mm_s);
        put16(p + 4, (uint16_t)m->u.velocity.wz_mrad_s);
        break;
    case ETB_CONTROLLED_STOP: put16(p, m->u.stop.decel_mm_s2); break;
    case ETB_ESTOP_LATCH: put16(p, m->u.estop_latch.reason); break;
    case ETB_ESTOP_RESET: put32(p, ETB_ESTOP_RESET_KEY); break;
    case ETB_ODOMETRY:
        put32(p, m->u.odometry.time_ms);
        put32(p + 4, (uint32_t)m->u.odometry.x_mm);
        put32(p + 8, (uint32_t)m->u.odometry.y_mm);
        put16(p + 12, (uint16_t)m->u.odometry.yaw_100urad);
        put16(p + 14, (uint16_t)m->u.odometry.vx_mm_s);
        put16(p + 16, (uint16_t)m->u.odometry.vy_mm_s);
        put16(p + 18, (uint16_t)m->u.odometry.wz_mrad_s);
        break;
    case ETB_BATTERY:
        if (m->u.battery.soc_bp > 10000u) {
            return ETB_ERR_INVALID_FIELD;
        }
        put16(p, m->u.battery.voltage_mv);
        put16(p + 2, (uint16_t)m->u.battery.current_ca);
        put16(p + 4, m->u.battery.soc_bp);
        break;
    case ETB_FAULTS:
        put32(p, m->u.faults.active);
        put16(p + 4, m->u.faults.code);
        break;
    case ETB_ACK: put16(p, m->u.ack.acked); break;
    case ETB_NACK:
        if (m->u.nack.reason < 1 || m->u.nack.reason > 7) {
            return ETB_ERR_INVALID_FIELD;
        }
        put16(p, m->u.nack.acked);
        p[2] = m->u.nack.reason;
        break;
    default: return ETB_ERR_UNKNOWN_TYPE;
    }
    if (m->type == ETB_HELLO && m->u.hello.protocol == 0) {
        return ETB_ERR_INVALID_FIELD;
    }
    n = ETB_HEADER_LEN + plen;
    put32(raw + n, etb_crc32c(raw, n));
    n += ETB_CRC_LEN;
    if (frame_cap < 1) {
        return ETB_ERR_BUFFER_TOO_SMALL;
    }
    encoded = etb_cobs_encode(raw, n, frame, frame_cap - 1);
    if (encoded == 0) {
        return ETB_ERR_BUFFER_TOO_SMALL;
    }
    frame[encoded] = 0;
    *frame_length = encoded + 1;
    return ETB_OK;
}

etb_status etb_decode(const uint8_t *frame, size_t length, etb_message *m) {
    uint8_t raw[ETB_MAX_ENCODED];
    const uint8_t *p = raw + ETB_HEADER_LEN;
    size_t n;
    uint8_t plen, expected;
    etb_status status;
    if (length > 0 && frame[length - 1] == 0) {
        length--;
    }
    if (length > ETB_MAX_ENCODED) {
        return ETB_ERR_FRAME_TOO_LONG;
    }
    if (length == 0) {
        return ETB_ERR_FRAME_TOO_SHORT;
    }
    status = etb_cobs_decode(frame, length, raw, sizeof raw, &n);
    if (status != ETB_OK) {
        return status;
    }
    if (n < ETB_HEADER_LEN + ETB_CRC_LEN) {
        return ETB_ERR_FRAME_TOO_SHORT;
    }
    if (get32(raw + n - ETB_CRC_LEN) != etb_crc32c(raw, n - ETB_CRC_LEN)) {
        return ETB_ERR_CRC_MISMATCH;
    }
    if (raw[0] != ETB_PROTOCOL_VERSION) {
        return ETB_ERR_UNSUPPORTED_VERSION;
    }
    plen = raw[4];
    if (plen != n - ETB_HEADER_LEN - ETB_CRC_LEN) {
        return ETB_ERR_LENGTH_MISMATCH;
    }
    expected = payload_length(raw[1]);
    if (expected == 0) {
        return ETB_ERR_UNKNOWN_TYPE;
    }
    if (plen != expected) {
        return ETB_ERR_BAD_PAYLOAD_LENGTH;
    }
    memset(m, 0, sizeof *m);
    m->type = raw[1];
    m->sequence = get16(raw + 2);
    switch (m->type) {
    case ETB_HELLO:
        if (p[0] == 0) {
            return ETB_ERR_INVALID_FIELD;
        }
        m->u.hello.protocol = p[0];
        m->u.hello.major = p[1];
        m->u.hello.minor = p[2];
        m->u.hello.patch = p[3];
        m->u.hello.capabilities = get32(p + 4);
        break;
    case ETB_HEARTBEAT: m->u.heartbeat.uptime_ms = get32(p); break;
    case ETB_VELOCITY_COMMAND:
        m->u.velocity.vx_mm_s = s16(get16(p));
        m->u.velocity.vy_mm_s = s16(get16(p + 2));
        m->u.velocity.wz_mrad_s = s16(get16(p + 4));
        break;
    case ETB_CONTROLLED_STOP: m->u.stop.decel_mm_s2 = get16(p); break;
    case ETB_ESTOP_LATCH: m->u.estop_latch.reason = get16(p); break;
    case ETB_ESTOP_RESET:
        if (get32(p) != ETB_ESTOP_RESET_KEY) {
            return ETB_ERR_INVALID_FIELD;
        }
        break;
    case ETB_ODOMETRY:
        m->u.odometry.time_ms = get32(p);
        m->u.odometry.x_mm = s32(get32(p + 4));
        m->u.odometry.y_mm = s32(get32(p + 8));
        m->u.odometry.yaw_100urad = s16(get16(p + 12));
        m->u.odometry.vx_mm_s = s16(get16(p + 14));
        m->u.odometry.vy_mm_s = s16(get16(p + 16));
        m->u.odometry.wz_mrad_s = s16(get16(p + 18));
        break;
    case ETB_BATTERY:
        m->u.battery.voltage_mv = get16(p);
        m->u.battery.current_ca = s16(get16(p + 2));
        m->u.battery.soc_bp = get16(p + 4);
        if (m->u.battery.soc_bp > 10000u) {
            return ETB_ERR_INVALID_FIELD;
        }
        break;
    case ETB_FAULTS:
        m->u.faults.active = get32(p);
        m->u.faults.code = get16(p + 4);
        break;
    case ETB_ACK: m->u.ack.acked = get16(p); break;
    case ETB_NACK:
        m->u.nack.acked = get16(p);
        m->u.nack.reason = p[2];
        if (p[2] < 1 || p[2] > 7) {
            return ETB_ERR_INVALID_FIELD;
        }
        break;
    default: return ETB_ERR_UNKNOWN_TYPE;
    }
    return ETB_OK;
}

void etb_receiver_init(etb_receiver *rx) { memset(rx, 0, sizeof *rx); }

int etb_receiver_push(etb_receiver *rx, uint8_t byte, etb_message *message) {
    if (byte == 0) {
        size_t n = rx->length;
        int was_discarding = rx->discarding;
        etb_status status;
        rx->length = 0;
        rx->discarding = 0;
        if (was_discarding || n == 0) {
            return 0;
        }
        status = etb_decode(rx->buffer, n, message);
        if (status != ETB_OK) {
            rx->errors[status]++;
            return 0;
        }
        rx->frames_decoded++;
        return 1;
    }
    if (rx->discarding) {
        return 0;
    }
    if (rx->length == sizeof rx->buffer) {
        rx->errors[ETB_ERR_FRAME_TOO_LONG]++;
        rx->discarding = 1;
        rx->length = 0;
        return 0;
    }
    rx->buffer[rx->length++] = byte;
    return 0;
}
