package dev.fieldline.edge.sparkplug;

import dev.fieldline.schema.v1.Command;
import java.util.Map;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.PropertySet;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.PropertyValue;

/**
 * What the host sends edge nodes, in Sparkplug B's own form: a Rebirth request (NCMD with {@code
 * Node Control/Rebirth} true), and a rule's command as NCMD or DCMD whose metric is the rule's
 * action (Boolean true), with each argument as a String metric {@code <action>/<name>}; the action
 * metric's properties name the reading it answers ({@code readingSeq}, the host's count of the
 * device's messages, and {@code readingTime}). Commands carry no sequence number (the specification
 * numbers only what edge nodes send).
 */
public final class SparkplugCommands {
  public static final String REBIRTH = "Node Control/Rebirth";

  private SparkplugCommands() {}

  public static String nodeCommandTopic(String group, String node) {
    return SparkplugHost.NAMESPACE + "/" + group + "/NCMD/" + node;
  }

  /** DCMD for a device, NCMD for the node itself ({@code device} null). */
  public static String commandTopic(String group, String node, String device) {
    return device == null
        ? nodeCommandTopic(group, node)
        : SparkplugHost.NAMESPACE + "/" + group + "/DCMD/" + node + "/" + device;
  }

  public static byte[] rebirth(long now) {
    return Payload.newBuilder()
        .setTimestamp(now)
        .addMetrics(
            Metric.newBuilder()
                .setName(REBIRTH)
                .setTimestamp(now)
                .setDatatype(DataType.Boolean_VALUE)
                .setBooleanValue(true))
        .build()
        .toByteArray();
  }

  public static byte[] command(Command command) {
    long time = command.getDecidedAt().toEpochMilli();
    Payload.Builder payload =
        Payload.newBuilder()
            .setTimestamp(time)
            .addMetrics(
                Metric.newBuilder()
                    .setName(command.getAction())
                    .setTimestamp(time)
                    .setDatatype(DataType.Boolean_VALUE)
                    .setBooleanValue(true)
                    .setProperties(
                        PropertySet.newBuilder()
                            .addKeys("readingSeq")
                            .addValues(
                                PropertyValue.newBuilder()
                                    .setType(DataType.Int64_VALUE)
                                    .setLongValue(command.getReadingSeq()))
                            .addKeys("readingTime")
                            .addValues(
                                PropertyValue.newBuilder()
                                    .setType(DataType.DateTime_VALUE)
                                    .setLongValue(command.getReadingEventTime().toEpochMilli()))));
    for (Map.Entry<String, String> arg : command.getArgs().entrySet()) {
      payload.addMetrics(
          Metric.newBuilder()
              .setName(command.getAction() + "/" + arg.getKey())
              .setTimestamp(time)
              .setDatatype(DataType.String_VALUE)
              .setStringValue(arg.getValue()));
    }
    return payload.build().toByteArray();
  }
}
