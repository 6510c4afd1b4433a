/*
 * Tests of the C reference implementation, and the C half of the shared test vectors.
 *
 *   gcc -std=c99 -Wall -Wextra -pedantic -O2 etb_protocol.c etb_test.c -o etb_test
 *   ./etb_test ../src/test/resources/vectors.txt
 *
 * Runs self-tests (CRC check value, COBS vectors, garbage), then for each vector line
 * "<description> | <hex frame>" decodes the frame, prints the decoded fields in the same format
 * as the description (or "ERROR <code>"), re-encodes valid frames and compares the bytes.
 * Exit status 0 when everything matched. Java's CReferenceInteropTest compiles and runs this.
 */
#include "etb_protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "FAIL: %s\n", what);
        failures++;
    }
}

static void describe(const etb_message *m, char *out, size_t cap) {
    int n = snprintf(out, cap, "%s seq=%u", etb_type_name(m->type), (unsigned)m->sequence);
    char *p = out + n;
    size_t left = cap - (size_t)n;
    switch (m->type) {
    case ETB_HELLO:
        snprintf(p, left, " protocol=%u major=%u minor=%u patch=%u capabilities=%lu",
                 (unsigned)m->u.hello.protocol, (unsigned)m->u.hello.major,
                 (unsigned)m->u.hello.minor, (unsigned)m->u.hello.patch,
                 (unsigned long)m->u.hello.capabilities);
        break;
    case ETB_HEARTBEAT:
        snprintf(p, left, " uptime_ms=%lu", (unsigned long)m->u.heartbeat.uptime_ms);
        break;
    case ETB_VELOCITY_COMMAND:
        snprintf(p, left, " vx_mm_s=%d vy_mm_s=%d wz_mrad_s=%d", m->u.velocity.vx_mm_s,
                 m->u.velocity.vy_mm_s, m->u.velocity.wz_mrad_s);
        break;
    case ETB_CONTROLLED_STOP:
        snprintf(p, left, " decel_mm_s2=%u", (unsigned)m->u.stop.decel_mm_s2);
        break;
    case ETB_ESTOP_LATCH:
        snprintf(p, left, " reason=%u", (unsigned)m->u.estop_latch.reason);
        break;
    case ETB_ESTOP_RESET: break;
    case ETB_ODOMETRY:
        snprintf(p, left,
                 " time_ms=%lu x_mm=%ld y_mm=%ld yaw_100urad=%d vx_mm_s=%d vy_mm_s=%d wz_mrad_s=%d",
                 (unsigned long)m->u.odometry.time_ms, (long)m->u.odometry.x_mm,
                 (long)m->u.odometry.y_mm, m->u.odometry.yaw_100urad, m->u.odometry.vx_mm_s,
                 m->u.odometry.vy_mm_s, m->u.odometry.wz_mrad_s);
        break;
    case ETB_BATTERY:
        snprintf(p, left, " voltage_mV=%u current_cA=%d soc_bp=%u",
                 (unsigned)m->u.battery.voltage_mv, m->u.battery.current_ca,
                 (unsigned)m->u.battery.soc_bp);
        break;
    case ETB_FAULTS:
        snprintf(p, left, " active=%lu code=%u", (unsigned long)m->u.faults.active,
                 (unsigned)m->u.faults.code);
        break;
    case ETB_ACK: snprintf(p, left, " acked=%u", (unsigned)m->u.ack.acked); break;
    case ETB_NACK:
        snprintf(p, left, " acked=%u reason=%u", (unsigned)m->u.nack.acked,
                 (unsigned)m->u.nack.reason);
        break;
    default: break;
    }
}

static size_t fill(uint8_t *b, uint8_t from, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        b[i] = (uint8_t)(from + i);
    }
    return n;
}

static void cobs_case(const uint8_t *in, size_t n, const uint8_t *want, size_t want_n,
                      const char *name) {
    uint8_t enc[600], dec[600];
    size_t m = etb_cobs_encode(in, n, enc, sizeof enc), d = 0;
    check(m == want_n && memcmp(enc, want, want_n) == 0, name);
    check(etb_cobs_decode(enc, m, dec, sizeof dec, &d) == ETB_OK && d == n
              && memcmp(dec, in, n) == 0,
          name);
}

static void self_tests(void) {
    static const uint8_t digits[] = "123456789";
    uint8_t in[300], want[300];
    etb_receiver rx;
    etb_message m;
    uint32_t seed = 12345;
    long i;

    check(etb_crc32c(digits, 9) == ETB_CRC32C_CHECK, "CRC-32C check value");

    { static const uint8_t a[] = {0x00}, w[] = {0x01, 0x01}; cobs_case(a, 1, w, 2, "cobs 00"); }
    { static const uint8_t a[] = {0x00, 0x00}, w[] = {0x01, 0x01, 0x01}; cobs_case(a, 2, w, 3, "cobs 00 00"); }
    { static const uint8_t a[] = {0x11, 0x22, 0x00, 0x33}, w[] = {0x03, 0x11, 0x22, 0x02, 0x33};
      cobs_case(a, 4, w, 5, "cobs 11 22 00 33"); }
    /* 254 non-zero bytes: one full block, no trailing code */
    fill(in, 1, 254); want[0] = 0xFF; fill(want + 1, 1, 254);
    cobs_case(in, 254, want, 255, "cobs 01..FE");
    /* 255 non-zero bytes: full block + block of one */
    fill(in, 1, 255); want[0] = 0xFF; fill(want + 1, 1, 254); want[255] = 0x02; want[256] = 0xFF;
    cobs_case(in, 255, want, 257, "cobs 01..FF");
    /* 00 01..FE */
    in[0] = 0; fill(in + 1, 1, 254); want[0] = 0x01; want[1] = 0xFF; fill(want + 2, 1, 254);
    cobs_case(in, 255, want, 256, "cobs 00 01..FE");

    /* Garbage never crashes the decoder or the receiver, and the receiver stays bounded. */
    etb_receiver_init(&rx);
    for (i = 0; i < 200000; i++) {
        uint8_t frame[80];
        size_t n, k;
        seed = seed * 1664525u + 1013904223u;
        n = (seed >> 24) % sizeof frame;
        for (k = 0; k < n; k++) {
            seed = seed * 1664525u + 1013904223u;
            frame[k] = (uint8_t)(seed >> 24);
            if ((frame[k] & 0x0F) == 0) frame[k] = 0; /* plenty of delimiters */
        }
        (void)etb_decode(frame, n, &m);
        for (k = 0; k < n; k++) {
            (void)etb_receiver_push(&rx, frame[k], &m);
            check(rx.length <= sizeof rx.buffer, "receiver bounded");
        }
    }
}

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int main(int argc, char **argv) {
    FILE *f;
    char line[1024];
    static uint8_t stream[65536];
    size_t stream_n = 0;
    unsigned vectors = 0, valid = 0, invalid = 0;
    etb_receiver rx;
    etb_message m;
    size_t k;

    self_tests();
    if (argc < 2) {
        fprintf(stderr, "usage: %s vectors.txt\n", argv[0]);
        return 2;
    }
    f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    while (fgets(line, sizeof line, f)) {
        char *bar = strchr(line, '|'), *h, *end;
        uint8_t frame[512];
        size_t n = 0;
        char got[256];
        etb_status status;
        if (line[0] == '#' || !bar) continue;
        end = bar;
        while (end > line && end[-1] == ' ') end--;
        *end = '\0';
        for (h = bar + 1; *h; h++) {
            int hi = hex_value((unsigned char)*h), lo;
            if (hi < 0) continue;
            lo = hex_value((unsigned char)h[1]);
            if (lo < 0 || n == sizeof frame) { fprintf(stderr, "bad hex in: %s\n", line); return 2; }
            frame[n++] = (uint8_t)(hi << 4 | lo);
            h++;
        }
        vectors++;
        status = etb_decode(frame, n, &m);
        if (status == ETB_OK) {
            uint8_t again[ETB_MAX_FRAME];
            size_t again_n = 0;
            describe(&m, got, sizeof got);
            check(etb_encode(&m, again, sizeof again, &again_n) == ETB_OK && again_n == n
                      && memcmp(again, frame, n) == 0,
                  got); /* re-encoding gives the same bytes */
            valid++;
        } else {
            snprintf(got, sizeof got, "ERROR %s", etb_status_name(status));
            invalid++;
        }
        printf("%s\n", got);
        if (strcmp(got, line) != 0) {
            fprintf(stderr, "FAIL: vector says \"%s\", C decoded \"%s\"\n", line, got);
            failures++;
        }
        if (stream_n + n + 1 <= sizeof stream) {
            memcpy(stream + stream_n, frame, n);
            stream_n += n;
            if (n == 0 || frame[n - 1] != 0) stream[stream_n++] = 0;
        }
    }
    fclose(f);
    /* The whole file as one byte stream through the receiver: one outcome per frame. */
    etb_receiver_init(&rx);
    for (k = 0; k < stream_n; k++) (void)etb_receiver_push(&rx, stream[k], &m);
    {
        uint32_t errors = 0;
        for (k = 0; k <= ETB_ERR_INVALID_FIELD; k++) errors += rx.errors[k];
        check(rx.frames_decoded == valid, "receiver decodes every valid vector");
        check(errors == invalid, "receiver counts every invalid vector");
    }
    fprintf(stderr, "%u vectors (%u valid, %u invalid), %d failures\n", vectors, valid, invalid,
            failures);
    return failures == 0 && vectors > 0 ? 0 : 1;
}
