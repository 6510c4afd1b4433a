/*
 * edgetwin firmware protocol, version 1: MCU-side reference implementation.
 * See docs/firmware-protocol.md. C99, no malloc, no dependencies beyond <stdint.h>/<stddef.h>.
 *
 * Wire:  COBS(version u8 | type u8 | sequence u16 | payload length u8 | payload | CRC-32C u32) 0x00
 * All multi-byte fields little-endian. Fixed-point fields travel as the integers named below.
 */
#ifndef ETB_PROTOCOL_H
#define ETB_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#define ETB_PROTOCOL_VERSION 1u
#define ETB_HEADER_LEN 5u
#define ETB_CRC_LEN 4u
#define ETB_MAX_PAYLOAD 48u
#define ETB_MAX_RAW (ETB_HEADER_LEN + ETB_MAX_PAYLOAD + ETB_CRC_LEN)
/* COBS adds one code byte per 254 bytes, plus one. */
#define ETB_MAX_ENCODED (ETB_MAX_RAW + ETB_MAX_RAW / 254u + 1u)
/* Longest frame on the wire, delimiter included. */
#define ETB_MAX_FRAME (ETB_MAX_ENCODED + 1u)
#define ETB_ESTOP_RESET_KEY 0x54455352u /* bytes 52 53 45 54, "RSET" */
#define ETB_CRC32C_CHECK 0xE3069283u    /* CRC-32C of ASCII "123456789" */

typedef enum {
    ETB_HELLO = 0x01,
    ETB_HEARTBEAT = 0x02,
    ETB_VELOCITY_COMMAND = 0x10,
    ETB_CONTROLLED_STOP = 0x11,
    ETB_ESTOP_LATCH = 0x12,
    ETB_ESTOP_RESET = 0x13,
    ETB_ODOMETRY = 0x20,
    ETB_BATTERY = 0x21,
    ETB_FAULTS = 0x22,
    ETB_ACK = 0x30,
    ETB_NACK = 0x31
} etb_type;

/* Same names and meaning as Java's dev.edgetwin.bridge.ProtocolError. */
typedef enum {
    ETB_OK = 0,
    ETB_ERR_COBS_INVALID,
    ETB_ERR_FRAME_TOO_SHORT,
    ETB_ERR_FRAME_TOO_LONG,
    ETB_ERR_CRC_MISMATCH,
    ETB_ERR_UNSUPPORTED_VERSION,
    ETB_ERR_LENGTH_MISMATCH,
    ETB_ERR_UNKNOWN_TYPE,
    ETB_ERR_BAD_PAYLOAD_LENGTH,
    ETB_ERR_INVALID_FIELD,
    ETB_ERR_BUFFER_TOO_SMALL /* encoder only: the caller's buffer cannot hold the frame */
} etb_status;

typedef struct {
    uint8_t type;     /* etb_type */
    uint16_t sequence;
    union {
        struct { uint8_t protocol, major, minor, patch; uint32_t capabilities; } hello;
        struct { uint32_t uptime_ms; } heartbeat;
        struct { int16_t vx_mm_s, vy_mm_s, wz_mrad_s; } velocity;
        struct { uint16_t decel_mm_s2; } stop;            /* 0 = firmware default */
        struct { uint16_t reason; } estop_latch;
        /* estop reset: no fields; the frame carries ETB_ESTOP_RESET_KEY */
        struct {
            uint32_t time_ms;
            int32_t x_mm, y_mm;
            int16_t yaw_100urad; /* 1e-4 rad */
            int16_t vx_mm_s, vy_mm_s, wz_mrad_s;
        } odometry;
        struct { uint16_t voltage_mv; int16_t current_ca; uint16_t soc_bp; } battery; /* soc 0..10000 */
        struct { uint32_t active; uint16_t code; } faults;
        struct { uint16_t acked; } ack;
        struct { uint16_t acked; uint8_t reason; } nack; /* reason 1..7 */
    } u;
} etb_message;

const char *etb_status_name(etb_status status);
const char *etb_type_name(uint8_t type);

/* CRC-32C (Castagnoli), reflected, init and final XOR 0xFFFFFFFF. */
uint32_t etb_crc32c(const uint8_t *data, size_t length);

/* COBS without delimiter. encode: returns encoded length, 0 if out_cap is too small.
 * decode: returns ETB_OK or ETB_ERR_COBS_INVALID; out needs length - 1 bytes. */
size_t etb_cobs_encode(const uint8_t *in, size_t length, uint8_t *out, size_t out_cap);
etb_status etb_cobs_decode(const uint8_t *in, size_t length, uint8_t *out, size_t out_cap,
                           size_t *out_length);

/* Whole frame including the trailing 0x00. ETB_MAX_FRAME bytes always suffice. */
etb_status etb_encode(const etb_message *message, uint8_t *frame, size_t frame_cap,
                      size_t *frame_length);
/* One frame: its COBS bytes, with or without the trailing 0x00. */
etb_status etb_decode(const uint8_t *frame, size_t length, etb_message *message);

/* Streaming receiver: feed bytes as the UART delivers them (e.g. from the RX interrupt's ring
 * buffer). Bounded: over-long frames are dropped up to the next 0x00 and counted. */
typedef struct {
    uint8_t buffer[ETB_MAX_ENCODED];
    size_t length;
    int discarding;
    uint32_t frames_decoded;
    uint32_t errors[ETB_ERR_INVALID_FIELD + 1]; /* indexed by etb_status */
} etb_receiver;

void etb_receiver_init(etb_receiver *rx);
/* Returns 1 and fills *message when byte completes a valid frame, else 0. */
int etb_receiver_push(etb_receiver *rx, uint8_t byte, etb_message *message);

#endif
