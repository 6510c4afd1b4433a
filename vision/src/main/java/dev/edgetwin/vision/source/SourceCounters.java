package dev.edgetwin.vision.source;

/**
 * What a {@link SupervisedFrameSource} has seen so far.
 *
 * @param frames frames delivered
 * @param errors failures of any kind: unreadable images, lost connections, failed openings, deaths
 * @param stalls times the source delivered no frame within the stall timeout
 * @param reopens times the source was closed and opened again after a failure or a stall
 */
public record SourceCounters(long frames, long errors, long stalls, long reopens) {}
