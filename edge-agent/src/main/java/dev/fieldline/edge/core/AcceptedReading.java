package dev.fieldline.edge.core;

/**
 * A reading that passed validation and filters and went into its summary window. The journal keeps
 * these until the window's summary is journaled, so that a crash loses no accepted reading.
 */
public record AcceptedReading(
    String siteId,
    String deviceId,
    String deviceType,
    String metric,
    double value,
    long eventTime,
    long seq,
    long windowStart) {}
