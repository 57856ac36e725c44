package dev.fieldline.edge.sparkplug;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.fieldline.edge.core.Identifiers;
import dev.fieldline.edge.sparkplug.SparkplugOutcome.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Topic;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.eclipse.tahu.util.TopicUtil;

/**
 * The edge agent's side of Sparkplug B 3.0 as a host application: it follows every edge node's
 * session from its birth certificate to its death, resolves metric aliases the births announced,
 * checks each node's message sequence (0-255, wrapping) and turns numeric metrics into readings.
 * Payloads are decoded with Eclipse Tahu's protobuf definitions.
 *
 * <p>What the specification asks of a host, it does: data before a birth, or after a gap in a
 * node's sequence, cannot be trusted, so it asks for a rebirth ({@link SparkplugOutcome#rebirth()},
 * once until the node is born again) instead of guessing; a node's death counts only when its
 * {@code bdSeq} is that of the node's current birth (a late will from an earlier session must not
 * take a live node offline).
 *
 * <p>Not thread-safe: one decision thread owns it.
 */
public final class SparkplugHost {
  public static final String NAMESPACE = "spBv1.0";
  static final String BD_SEQ = "bdSeq";

  private final Map<String, NodeSession> nodes = new HashMap<>();
  private final boolean booleansAsReadings;
  private final String deviceTypeMetric;

  /** A host with the {@link SparkplugOptions#DEFAULTS}. */
  public SparkplugHost() {
    this(SparkplugOptions.DEFAULTS);
  }

  public SparkplugHost(SparkplugOptions options) {
    this.booleansAsReadings = options.booleansAsReadings();
    this.deviceTypeMetric = options.deviceTypeMetric();
  }

  /** A metric announced in a birth certificate. */
  private record Announced(String device, String name, int datatype) {}

  private static final class NodeSession {
    boolean born;
    long bdSeq = -1;
    int lastSeq = -1;
    boolean rebirthAsked;
    final Map<Long, Announced> aliases = new HashMap<>();
    final Map<String, Integer> datatypes = new HashMap<>();
    final Map<String, Boolean> devicesOnline = new HashMap<>();
    final Map<String, Long> deviceSeq = new HashMap<>();
    final Map<String, String> deviceTypes = new HashMap<>();
  }

  /** Reads one message that arrived on {@code topic}, received at {@code now} (epoch millis). */
  public SparkplugOutcome handle(String topic, byte[] payload, long now) {
    Topic parsed;
    try {
      parsed = TopicUtil.parseTopic(topic);
    } catch (Exception e) {
      return SparkplugOutcome.malformed("not a Sparkplug B topic: " + topic);
    }
    MessageType type = parsed.getType();
    if (!NAMESPACE.equals(parsed.getNamespace())
        || type == null
        || !(type.isBirth() || type.isDeath() || type.isData())) {
      return SparkplugOutcome.of(Kind.NOT_FOR_HOST);
    }
    Payload message;
    try {
      message = Payload.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      return SparkplugOutcome.malformed("not a Sparkplug B payload: " + e.getMessage());
    }
    String nodeKey = parsed.getGroupId() + "/" + parsed.getEdgeNodeId();
    NodeSession node = nodes.computeIfAbsent(nodeKey, k -> new NodeSession());
    if (type == MessageType.NDEATH) {
      return nodeDeath(parsed.getEdgeNodeId(), node, message);
    }
    if (!message.hasSeq() || message.getSeq() < 0 || message.getSeq() > 255) {
      return SparkplugOutcome.malformed(
          "sequence number " + (message.hasSeq() ? message.getSeq() : "missing") + ", not 0-255");
    }
    int seq = (int) message.getSeq();
    if (type == MessageType.NBIRTH) {
      return nodeBirth(parsed, node, message, seq, now);
    }
    if (!node.born) {
      return askRebirth(nodeKey, node, type + " before the node's birth", message);
    }
    if (seq != (node.lastSeq + 1) % 256) {
      node.born = false; // untrusted until it is born again
      return askRebirth(
          nodeKey,
          node,
          "sequence " + seq + " after " + node.lastSeq + ": messages missing",
          message);
    }
    node.lastSeq = seq;
    String device = parsed.getDeviceId();
    switch (type) {
      case DBIRTH -> {
        node.devicesOnline.put(device, true);
        return readings(Kind.BIRTH, parsed, node, message, device, true, now);
      }
      case DDEATH -> {
        node.devicesOnline.put(device, false);
        return SparkplugOutcome.death(
            Kind.DEVICE_DEATH, List.of(parsed.getEdgeNodeId() + ":" + device));
      }
      case DDATA -> {
        if (!Boolean.TRUE.equals(node.devicesOnline.get(device))) {
          node.born = false;
          return askRebirth(
              nodeKey, node, "DDATA of device " + device + " before its birth", message);
        }
        return readings(Kind.DATA, parsed, node, message, device, false, now);
      }
      default -> {
        return readings(Kind.DATA, parsed, node, message, null, false, now);
      }
    }
  }

  /** Whether the device ({@code group/node/device}, or {@code group/node}) is online now. */
  public boolean online(String group, String node, String device) {
    NodeSession session = nodes.get(group + "/" + node);
    if (session == null || !session.born) {
      return false;
    }
    return device == null || Boolean.TRUE.equals(session.devicesOnline.get(device));
  }

  private SparkplugOutcome nodeBirth(
      Topic topic, NodeSession node, Payload message, int seq, long now) {
    Long bdSeq = bdSeq(message);
    if (bdSeq == null) {
      return SparkplugOutcome.malformed("NBIRTH without its bdSeq metric");
    }
    node.born = true;
    node.rebirthAsked = false;
    node.bdSeq = bdSeq;
    node.lastSeq = seq;
    node.aliases.clear();
    node.datatypes.clear();
    node.devicesOnline.clear();
    node.deviceTypes.clear();
    return readings(Kind.BIRTH, topic, node, message, null, true, now);
  }

  private SparkplugOutcome nodeDeath(String nodeId, NodeSession node, Payload message) {
    Long bdSeq = bdSeq(message);
    if (bdSeq == null || !node.born || bdSeq != node.bdSeq) {
      return SparkplugOutcome.of(Kind.STALE_DEATH);
    }
    node.born = false;
    node.devicesOnline.replaceAll((device, online) -> false);
    List<String> offline = new ArrayList<>();
    offline.add(nodeId);
    node.devicesOnline.keySet().forEach(device -> offline.add(nodeId + ":" + device));
    return SparkplugOutcome.death(Kind.NODE_DEATH, offline);
  }

  private SparkplugOutcome askRebirth(
      String nodeKey, NodeSession node, String reason, Payload setAside) {
    String target = node.rebirthAsked ? null : nodeKey;
    node.rebirthAsked = true;
    int telemetry = 0;
    for (Metric metric : setAside.getMetricsList()) {
      if (!protocolMetric(metric.getName())) {
        telemetry++;
      }
    }
    return SparkplugOutcome.rebirth(target, reason, telemetry);
  }

  /** The protocol's own metrics ({@code bdSeq}, {@code Node Control/*}): not telemetry. */
  private static boolean protocolMetric(String name) {
    return name.equals(BD_SEQ) || name.startsWith("Node Control/");
  }

  private SparkplugOutcome readings(
      Kind kind,
      Topic topic,
      NodeSession node,
      Payload message,
      String device,
      boolean birth,
      long now) {
    String deviceId = device == null ? topic.getEdgeNodeId() : topic.getEdgeNodeId() + ":" + device;
    long payloadTime = message.hasTimestamp() ? message.getTimestamp() : now;
    List<SparkplugReading> readings = new ArrayList<>(message.getMetricsCount());
    int ignored = 0;
    int rejected = 0;
    String reason = null;
    // The device's messages are numbered by the host, counting only those with readings: a message
    // whose every metric was left out must not look like a gap in the device's sequence.
    long seq = node.deviceSeq.getOrDefault(deviceId, 0L) + 1;
    if (birth) {
      node.deviceTypes.remove(deviceId); // a birth names its type again, or has none
    }
    String type = node.deviceTypes.get(deviceId);
    for (Metric metric : message.getMetricsList()) {
      String name;
      int datatype;
      if (metric.hasName()) {
        name = metric.getName();
        Integer known = node.datatypes.get(device + "/" + name);
        datatype = metric.hasDatatype() ? metric.getDatatype() : known == null ? 0 : known;
      } else if (metric.hasAlias() && node.aliases.containsKey(metric.getAlias())) {
        Announced announced = node.aliases.get(metric.getAlias());
        name = announced.name();
        datatype = announced.datatype();
      } else {
        rejected++;
        reason = "metric alias " + metric.getAlias() + " was not in the birth certificate";
        continue;
      }
      if (birth) {
        node.datatypes.put(device + "/" + name, datatype);
        if (metric.hasAlias()) {
          node.aliases.put(metric.getAlias(), new Announced(device, name, datatype));
        }
      }
      if (protocolMetric(name)) {
        continue; // the protocol's own metrics, not telemetry
      }
      if (birth && name.equals(deviceTypeMetric) && metric.hasStringValue()) {
        String named = metric.getStringValue();
        if (Identifiers.valid(named)) {
          type = named;
          node.deviceTypes.put(deviceId, type);
          String typed = type;
          readings.replaceAll(r -> r.withDeviceType(typed)); // the metrics before it in the birth
        } else {
          rejected++;
          reason = name + " '" + named + "' is not a device type";
        }
        continue;
      }
      boolean asNumber = booleansAsReadings && datatype == DataType.Boolean_VALUE;
      if (metric.getIsNull() || !(numeric(datatype) || asNumber)) {
        ignored++;
        continue;
      }
      Double value = asNumber ? bool(metric) : value(metric, datatype);
      if (value == null) {
        rejected++;
        reason =
            "metric "
                + name
                + " announced as "
                + DataType.forNumber(datatype)
                + ", sent "
                + metric.getValueCase();
        continue;
      }
      long time = metric.hasTimestamp() ? metric.getTimestamp() : payloadTime;
      readings.add(
          new SparkplugReading(
              topic.getGroupId(), deviceId, type, fieldlineName(name), value, time, seq));
    }
    if (!readings.isEmpty()) {
      node.deviceSeq.put(deviceId, seq);
    }
    String rebirth = null;
    if (rejected > 0 && reason != null && reason.startsWith("metric alias")) {
      rebirth = node.rebirthAsked ? null : topic.getGroupId() + "/" + topic.getEdgeNodeId();
      node.rebirthAsked = true;
    }
    return new SparkplugOutcome(
        kind, List.copyOf(readings), rebirth, reason, ignored, rejected, List.of(), 0);
  }

  /**
   * A Sparkplug metric name as a Fieldline metric: its folders ({@code Supply/Voltage}) joined by
   * dots ({@code Supply.Voltage}), any other character an identifier cannot hold as {@code _}.
   */
  static String fieldlineName(String name) {
    StringBuilder out = null;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = Identifiers.allowed(c);
      if (!ok && out == null) {
        out = new StringBuilder(name.substring(0, i));
      }
      if (out != null) {
        out.append(ok ? c : c == '/' ? '.' : '_');
      }
    }
    return out == null ? name : out.toString();
  }

  private static boolean numeric(int datatype) {
    return datatype >= DataType.Int8_VALUE && datatype <= DataType.Double_VALUE;
  }

  /** The metric's value as its announced type carries it; null when it carries another. */
  private static Double value(Metric metric, int datatype) {
    return switch (metric.getValueCase()) {
      case INT_VALUE ->
          datatype <= DataType.UInt32_VALUE && datatype != DataType.Int64_VALUE
              ? (double)
                  (datatype == DataType.UInt32_VALUE
                      ? Integer.toUnsignedLong(metric.getIntValue())
                      : metric.getIntValue())
              : null;
      case LONG_VALUE ->
          datatype <= DataType.UInt64_VALUE
              ? (datatype == DataType.UInt64_VALUE
                  ? unsigned(metric.getLongValue())
                  : (double) metric.getLongValue())
              : null;
      case FLOAT_VALUE -> datatype == DataType.Float_VALUE ? (double) metric.getFloatValue() : null;
      case DOUBLE_VALUE -> datatype == DataType.Double_VALUE ? metric.getDoubleValue() : null;
      default -> null;
    };
  }

  /** A Boolean metric as a reading: true 1, false 0; null when it carries another type. */
  private static Double bool(Metric metric) {
    return metric.getValueCase() == Metric.ValueCase.BOOLEAN_VALUE
        ? (metric.getBooleanValue() ? 1.0 : 0.0)
        : null;
  }

  private static double unsigned(long value) {
    double high = (double) (value >>> 1) * 2;
    return high + (value & 1);
  }

  private static Long bdSeq(Payload message) {
    for (Metric metric : message.getMetricsList()) {
      if (BD_SEQ.equals(metric.getName())) {
        return switch (metric.getValueCase()) {
          case LONG_VALUE -> metric.getLongValue();
          case INT_VALUE -> (long) metric.getIntValue();
          default -> null;
        };
      }
    }
    return null;
  }
}
