package dev.fieldline.edge.core;

/**
 * Readings of one device's metric that went missing before the edge (sequence numbers skipped for
 * good), or a restart of the device, counted into one open window. The journal keeps these with the
 * window's readings until its summary is journaled, so a crash loses no count.
 */
public record WindowGap(
    String siteId,
    String deviceId,
    String deviceType,
    String metric,
    long windowStart,
    long missing,
    long restarts) {}
