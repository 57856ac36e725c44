package dev.fieldline.regional.topology;

import dev.fieldline.regional.health.DeviceHealth;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Binary form of a {@link DeviceHealth} entry in its store and changelog. Written and read once per
 * summary and decision, so it is a compact hand-written format rather than JSON; the first byte is
 * the format version. Format 2 added missing readings and restarts; format 1 entries (from a
 * changelog written before) read with zeros.
 */
final class HealthCodec {
  private static final byte FORMAT = 2;
  private static final byte FORMAT_WITHOUT_GAPS = 1;

  private HealthCodec() {}

  static Serde<DeviceHealth> serde() {
    return Serdes.serdeFrom(
        (topic, health) -> health == null ? null : write(health),
        (topic, bytes) -> bytes == null ? null : read(bytes));
  }

  static byte[] write(DeviceHealth h) {
    StateWriter out = new StateWriter(256);
    out.putByte(FORMAT)
        .putString(h.deviceId)
        .putString(h.siteId)
        .putString(h.deviceType)
        .putString(h.gatewayId)
        .putString(h.region)
        .putLong(h.lastSeen)
        .putLong(h.summaries)
        .putLong(h.decisions)
        .putLong(h.missing)
        .putLong(h.restarts)
        .putInt(h.metrics.size());
    for (var entry : h.metrics.entrySet()) {
      DeviceHealth.MetricSnapshot m = entry.getValue();
      out.putString(entry.getKey())
          .putLong(m.windowStart)
          .putLong(m.windowEnd)
          .putLong(m.count)
          .putDouble(m.mean)
          .putDouble(m.min)
          .putDouble(m.max)
          .putLong(m.lastSeq)
          .putLong(m.anomalies)
          .putLong(m.missing)
          .putLong(m.restarts);
    }
    out.putInt(h.recentDecisions.size());
    for (DeviceHealth.DecisionSnapshot d : h.recentDecisions) {
      out.putString(d.ruleId)
          .putString(d.action)
          .putString(d.metric)
          .putDouble(d.value)
          .putString(d.reason)
          .putLong(d.readingSeq)
          .putLong(d.decidedAt)
          .putBoolean(d.featureVersion != null)
          .putLong(d.featureVersion == null ? 0 : d.featureVersion);
    }
    return out.toBytes();
  }

  static DeviceHealth read(byte[] bytes) {
    StateReader in = new StateReader(bytes);
    byte format = in.getByte();
    if (format != FORMAT && format != FORMAT_WITHOUT_GAPS) {
      throw new IllegalStateException("unknown device health format " + format);
    }
    boolean gaps = format == FORMAT;
    DeviceHealth h = new DeviceHealth();
    h.deviceId = in.getString();
    h.siteId = in.getString();
    h.deviceType = in.getString();
    h.gatewayId = in.getString();
    h.region = in.getString();
    h.lastSeen = in.getLong();
    h.summaries = in.getLong();
    h.decisions = in.getLong();
    if (gaps) {
      h.missing = in.getLong();
      h.restarts = in.getLong();
    }
    int metrics = in.getInt();
    for (int i = 0; i < metrics; i++) {
      String name = in.getString();
      DeviceHealth.MetricSnapshot m = new DeviceHealth.MetricSnapshot();
      m.windowStart = in.getLong();
      m.windowEnd = in.getLong();
      m.count = in.getLong();
      m.mean = in.getDouble();
      m.min = in.getDouble();
      m.max = in.getDouble();
      m.lastSeq = in.getLong();
      m.anomalies = in.getLong();
      if (gaps) {
        m.missing = in.getLong();
        m.restarts = in.getLong();
      }
      h.metrics.put(name, m);
    }
    int decisions = in.getInt();
    for (int i = 0; i < decisions; i++) {
      DeviceHealth.DecisionSnapshot d = new DeviceHealth.DecisionSnapshot();
      d.ruleId = in.getString();
      d.action = in.getString();
      d.metric = in.getString();
      d.value = in.getDouble();
      d.reason = in.getString();
      d.readingSeq = in.getLong();
      d.decidedAt = in.getLong();
      boolean hasFeature = in.getBoolean();
      long feature = in.getLong();
      d.featureVersion = hasFeature ? feature : null;
      h.recentDecisions.add(d);
    }
    return h;
  }
}
