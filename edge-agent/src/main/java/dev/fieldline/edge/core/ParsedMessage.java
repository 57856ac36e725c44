package dev.fieldline.edge.core;

/**
 * One device message after parsing: identity, time, sequence number and one or more metric values.
 * Mutable and reused by the single decision thread, so parsing allocates as little as possible.
 */
public final class ParsedMessage {
  static final int MAX_METRICS = 64;

  String deviceId;
  String deviceType;
  String unit;
  long timestamp;
  long seq;
  int metricCount;
  final String[] metrics = new String[MAX_METRICS];
  final double[] values = new double[MAX_METRICS];

  boolean hasDeviceId;
  boolean hasTimestamp;
  boolean hasSeq;

  void reset() {
    deviceId = null;
    deviceType = null;
    unit = null;
    timestamp = 0;
    seq = 0;
    metricCount = 0;
    hasDeviceId = false;
    hasTimestamp = false;
    hasSeq = false;
  }

  public String deviceId() {
    return deviceId;
  }

  public String deviceType() {
    return deviceType;
  }

  public long timestamp() {
    return timestamp;
  }

  public long seq() {
    return seq;
  }

  public int metricCount() {
    return metricCount;
  }

  public String metric(int i) {
    return metrics[i];
  }

  public double value(int i) {
    return values[i];
  }
}
