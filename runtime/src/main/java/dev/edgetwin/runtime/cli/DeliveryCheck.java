package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a subscriber does with the twin's {@code epoch}, {@code msgSeq} and {@code prevMsgSeq}
 * (docs/twin-protocol.md, "Gaps and duplicates"): per robot, a message whose {@code msgSeq} was
 * already seen is a duplicate; per topic, a message whose {@code prevMsgSeq} is not the last {@code
 * msgSeq} seen on that topic follows a gap. Not thread-safe: one caller (the MQTT callback).
 */
final class DeliveryCheck {
    /** What one message was. */
    enum Verdict {
        /** The next message on its topic (or the first seen there). */
        IN_ORDER,
        /** Its msgSeq was seen before: drop it. */
        DUPLICATE,
        /** Messages were lost before it on its topic. */
        GAP,
        /** Older than the last one on its topic, and not seen before (reordered, or a reset). */
        OUT_OF_ORDER,
        /** No msgSeq: the Last Will, or a payload of an older protocol. */
        UNSTAMPED
    }

    private static final int MAX_REMEMBERED = 1 << 20;

    private final Map<String, Long> lastByTopic = new HashMap<>();
    private final Map<String, Set<Long>> seenByRobot = new HashMap<>();
    private long messages;
    private long duplicates;
    private long gaps;
    private long outOfOrder;

    Verdict observe(String topic, JsonNode payload) {
        messages++;
        if (payload == null || !payload.has("msgSeq") || !payload.has("prevMsgSeq")) {
            return Verdict.UNSTAMPED;
        }
        long seq = payload.get("msgSeq").asLong();
        long prev = payload.get("prevMsgSeq").asLong();
        String robot = robotOf(topic);
        Set<Long> seen = seenByRobot.computeIfAbsent(robot, r -> new HashSet<>());
        if (!seen.add(seq)) {
            duplicates++;
            return Verdict.DUPLICATE;
        }
        if (seen.size() > MAX_REMEMBERED) {
            seen.clear(); // bounded memory; a duplicate older than this goes unnoticed
            seen.add(seq);
        }
        Long last = lastByTopic.put(topic, seq);
        if (last == null || prev == 0 || prev == last) {
            return Verdict.IN_ORDER;
        }
        if (seq < last) {
            outOfOrder++;
            return Verdict.OUT_OF_ORDER;
        }
        gaps++;
        return Verdict.GAP;
    }

    /** The last msgSeq seen on {@code topic}, or 0. */
    long last(String topic) {
        return lastByTopic.getOrDefault(topic, 0L);
    }

    long messages() {
        return messages;
    }

    long duplicates() {
        return duplicates;
    }

    long gaps() {
        return gaps;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    /** {@code edgetwin/<site>/<robot>/...} -> {@code <site>/<robot>}. */
    private static String robotOf(String topic) {
        String[] levels = topic.split("/", 4);
        return levels.length >= 3 ? levels[1] + "/" + levels[2] : topic;
    }
}
