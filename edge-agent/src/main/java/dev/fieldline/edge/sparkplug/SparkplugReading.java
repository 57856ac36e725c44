package dev.fieldline.edge.sparkplug;

/**
 * One numeric metric value of a Sparkplug B DATA or BIRTH message, as a Fieldline reading: the
 * group is the site, the edge node (and its device, joined by {@code :}) the device.
 *
 * @param deviceType the type its birth certificate named, or null for the agent's default
 * @param seq the device's own message count (Sparkplug numbers an edge node's messages, not its
 *     devices'; gaps are judged per node)
 */
public record SparkplugReading(
    String siteId,
    String deviceId,
    String deviceType,
    String metric,
    double value,
    long timestamp,
    long seq) {

  SparkplugReading withDeviceType(String type) {
    return new SparkplugReading(siteId, deviceId, type, metric, value, timestamp, seq);
  }
}
