package dev.fieldline.simulator;

/**
 * One anomaly episode a device's metric went through: the ground truth anomaly detection is scored
 * against.
 *
 * @param deviceId the device
 * @param metric the metric
 * @param kind what happened
 * @param start wall-clock time of its first reading (epoch ms)
 * @param end wall-clock time of its last reading (epoch ms)
 * @param firstSeq sequence number of its first reading
 * @param lastSeq sequence number of its last reading
 */
public record Episode(
    String deviceId,
    String metric,
    EpisodeKind kind,
    long start,
    long end,
    long firstSeq,
    long lastSeq) {}
