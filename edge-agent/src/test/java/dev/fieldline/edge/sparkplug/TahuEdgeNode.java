package dev.fieldline.edge.sparkplug;

import java.util.Date;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric.MetricBuilder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload.SparkplugBPayloadBuilder;

/**
 * Messages of an edge node {@code node-1} in group {@code plant-1} with one device {@code
 * chiller-1}, built with Eclipse Tahu's own encoder in the shapes of Tahu's edge node examples:
 * births announce every metric with an alias, data reports by exception by alias alone.
 */
public final class TahuEdgeNode {
  public static final String GROUP = "plant-1";
  public static final String NODE = "node-1";
  public static final String DEVICE = "chiller-1";

  private TahuEdgeNode() {}

  public static String nodeTopic(String type) {
    return "spBv1.0/" + GROUP + "/" + type + "/" + NODE;
  }

  public static String deviceTopic(String type) {
    return nodeTopic(type) + "/" + DEVICE;
  }

  /** bdSeq, the rebirth control, one node metric (alias 1). */
  public static byte[] nbirth(long seq, long bdSeq, long time) throws Exception {
    return encode(
        new SparkplugBPayloadBuilder(seq)
            .setTimestamp(new Date(time))
            .addMetric(new MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq).createMetric())
            .addMetric(
                new MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, false)
                    .createMetric())
            .addMetric(
                new MetricBuilder("Supply/Voltage", MetricDataType.Double, 230.0)
                    .alias(1L)
                    .timestamp(new Date(time))
                    .createMetric()));
  }

  /** temperature (Double, alias 10), status (String, alias 11), pressure (Float, alias 12). */
  public static byte[] dbirth(long seq, long time) throws Exception {
    return encode(
        new SparkplugBPayloadBuilder(seq)
            .setTimestamp(new Date(time))
            .addMetric(
                new MetricBuilder("temperature", MetricDataType.Double, 4.2)
                    .alias(10L)
                    .timestamp(new Date(time))
                    .createMetric())
            .addMetric(
                new MetricBuilder("status", MetricDataType.String, "ok")
                    .alias(11L)
                    .timestamp(new Date(time))
                    .createMetric())
            .addMetric(
                new MetricBuilder("pressure", MetricDataType.Float, 1.5f)
                    .alias(12L)
                    .timestamp(new Date(time))
                    .createMetric()));
  }

  /** The temperature by its alias alone. */
  public static byte[] ddata(long seq, double temperature, long time) throws Exception {
    return encode(
        new SparkplugBPayloadBuilder(seq)
            .setTimestamp(new Date(time))
            .addMetric(
                new MetricBuilder(10L, MetricDataType.Double, temperature)
                    .timestamp(new Date(time))
                    .createMetric()));
  }

  public static byte[] ddeath(long seq, long time) throws Exception {
    return encode(new SparkplugBPayloadBuilder(seq).setTimestamp(new Date(time)));
  }

  /** The node's will: its death certificate with the birth's bdSeq. */
  public static byte[] ndeath(long bdSeq, long time) throws Exception {
    return encode(
        new SparkplugBPayloadBuilder()
            .setTimestamp(new Date(time))
            .addMetric(new MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq).createMetric()));
  }

  private static byte[] encode(SparkplugBPayloadBuilder builder) throws Exception {
    return new SparkplugBPayloadEncoder().getBytes(builder.createPayload(), false);
  }
}
