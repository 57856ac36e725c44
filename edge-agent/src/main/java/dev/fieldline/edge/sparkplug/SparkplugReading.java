package dev.fieldline.edge.sparkplug;

/**
 * One numeric metric value of a Sparkplug B DATA or BIRTH message, as a Fieldline reading: the
 * group is the site, the edge node (and its device, joined by {@code :}) the device.
 *
 * @param seq the device's own message count (Sparkplug numbers an edge node's messages, not its
 *     devices'; gaps are judged per node)
 */
public record SparkplugReading(
    String siteId, String deviceId, String metric, double value, long timestamp, long seq) {}
