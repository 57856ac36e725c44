package dev.fieldline.simulator;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * One Sparkplug B 3.0 edge node of the fleet: a site's gateway with the site's devices. It keeps
 * what the specification makes an edge node keep, its birth/death sequence ({@code bdSeq}), its
 * message sequence (0-255, wrapping) and which devices are born, and writes its messages with
 * Eclipse Tahu's protobuf definitions: NBIRTH, DBIRTH with every metric's name, datatype and alias,
 * DDATA by alias alone, NDEATH.
 *
 * <p>Not thread-safe, except {@link #rebirthRequested()}, which the MQTT client's thread sets when
 * a host asks for a rebirth; the publishing thread answers it before the node's next message.
 */
final class SparkplugNode {
  static final String NAMESPACE = "spBv1.0";

  /** The birth metric that names a device's type (the edge agent's default setting). */
  static final String DEVICE_TYPE_METRIC = "Properties/Device Type";

  private static final String REBIRTH = "Node Control/Rebirth";

  final String group;
  final String nodeId;
  private final long bdSeq;
  private int seq = -1;
  private volatile boolean rebirthRequested = true; // a new session starts with its birth
  private final Map<String, Boolean> born = new HashMap<>();
  private final Map<String, Long> firstAlias = new HashMap<>();
  private long nextAlias = 1;

  SparkplugNode(String group, String nodeId, long bdSeq) {
    this.group = group;
    this.nodeId = nodeId;
    this.bdSeq = bdSeq;
  }

  /** The Fieldline device id the edge agent gives a device of this node. */
  String fieldlineId(String device) {
    return nodeId + ":" + device;
  }

  String topic(String type) {
    return NAMESPACE + "/" + group + "/" + type + "/" + nodeId;
  }

  String topic(String type, String device) {
    return topic(type) + "/" + device;
  }

  /** The topic on which hosts send this node commands (NCMD). */
  String commandTopic() {
    return topic("NCMD");
  }

  void requestRebirth() {
    rebirthRequested = true;
  }

  boolean rebirthRequested() {
    return rebirthRequested;
  }

  /** Whether {@code payload}, an NCMD, asks for a rebirth ({@code Node Control/Rebirth} true). */
  static boolean asksRebirth(byte[] payload) {
    try {
      for (Metric metric : Payload.parseFrom(payload).getMetricsList()) {
        if (REBIRTH.equals(metric.getName()) && metric.getBooleanValue()) {
          return true;
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false; // not a command this node understands
    }
    return false;
  }

  /** The node's birth: sequence 0, its bdSeq and its control metric. Every device is reborn. */
  byte[] nbirth(long now) {
    rebirthRequested = false;
    born.clear();
    seq = 0;
    return Payload.newBuilder()
        .setTimestamp(now)
        .setSeq(seq)
        .addMetrics(bdSeqMetric(now))
        .addMetrics(
            Metric.newBuilder()
                .setName(REBIRTH)
                .setTimestamp(now)
                .setDatatype(DataType.Boolean_VALUE)
                .setBooleanValue(false))
        .build()
        .toByteArray();
  }

  /** The will and the clean goodbye: the bdSeq of the births it ends. */
  byte[] ndeath(long now) {
    return Payload.newBuilder()
        .setTimestamp(now)
        .addMetrics(bdSeqMetric(now))
        .build()
        .toByteArray();
  }

  boolean born(String device) {
    return Boolean.TRUE.equals(born.get(device));
  }

  /**
   * A device's reading: its birth (every metric by name, datatype and alias, and its type) if it is
   * not born in this session, else its data by alias.
   */
  byte[] reading(String device, DeviceType type, long now, Map<String, Double> values) {
    boolean birth = !born(device);
    long alias = firstAlias.computeIfAbsent(device, d -> allocate(type.metrics().size()));
    Payload.Builder payload = Payload.newBuilder().setTimestamp(now).setSeq(next());
    int m = 0;
    for (DeviceType.Metric metric : type.metrics()) {
      Metric.Builder built =
          Metric.newBuilder().setAlias(alias + m++).setDoubleValue(values.get(metric.name()));
      if (birth) {
        built.setName(metric.name()).setDatatype(DataType.Double_VALUE).setTimestamp(now);
      }
      payload.addMetrics(built);
    }
    if (birth) {
      payload.addMetrics(
          Metric.newBuilder()
              .setName(DEVICE_TYPE_METRIC)
              .setDatatype(DataType.String_VALUE)
              .setStringValue(type.id()));
      born.put(device, true);
    }
    return payload.build().toByteArray();
  }

  /** A data message the host must dead-letter as one rejected reading; {@code device} is born. */
  byte[] spoiled(Malformation kind, String device, long now) {
    long alias = firstAlias.get(device);
    return switch (kind) {
      case SPARKPLUG_TRUNCATED -> {
        // Takes no sequence number: the host cannot read one out of it.
        byte[] whole = dataOf(alias, 1.0, now, (seq + 1) % 256);
        yield Arrays.copyOf(whole, whole.length - 4);
      }
      case SPARKPLUG_SEQUENCE_OUT_OF_RANGE -> dataOf(alias, 1.0, now, 256 + seq);
      case SPARKPLUG_WRONG_DATATYPE ->
          Payload.newBuilder()
              .setTimestamp(now)
              .setSeq(next())
              .addMetrics(Metric.newBuilder().setAlias(alias).setStringValue("high"))
              .build()
              .toByteArray();
      default -> throw new IllegalArgumentException(kind + " is not a Sparkplug B malformation");
    };
  }

  /** The kinds of spoiled message {@link #spoiled} writes. */
  static List<Malformation> malformations() {
    return Malformation.of(PayloadFormat.SPARKPLUG);
  }

  private static byte[] dataOf(long alias, double value, long now, long seq) {
    return Payload.newBuilder()
        .setTimestamp(now)
        .setSeq(seq)
        .addMetrics(Metric.newBuilder().setAlias(alias).setDoubleValue(value))
        .build()
        .toByteArray();
  }

  private long allocate(int metrics) {
    long first = nextAlias;
    nextAlias += metrics;
    return first;
  }

  private int next() {
    seq = (seq + 1) % 256;
    return seq;
  }

  private Metric bdSeqMetric(long now) {
    return Metric.newBuilder()
        .setName("bdSeq")
        .setTimestamp(now)
        .setDatatype(DataType.UInt64_VALUE)
        .setLongValue(bdSeq)
        .build();
  }
}
