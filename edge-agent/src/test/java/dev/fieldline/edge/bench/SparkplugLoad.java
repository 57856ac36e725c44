package dev.fieldline.edge.bench;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * The benchmark's devices as Sparkplug B edge nodes: each born once (NBIRTH announcing {@code
 * temperature} with alias 1), then one NDATA by alias per reading with the node's wrapping sequence
 * number; the host numbers a node's messages from its birth (1), so reading {@code seq} of the load
 * is the host's {@code seq} too.
 */
final class SparkplugLoad {
  private SparkplugLoad() {}

  static void birth(MqttAsyncClient publisher, String group, int devices, long[] seqs)
      throws Exception {
    long now = System.currentTimeMillis();
    for (int d = 0; d < devices; d++) {
      byte[] nbirth =
          Payload.newBuilder()
              .setTimestamp(now)
              .setSeq(0)
              .addMetrics(
                  Metric.newBuilder()
                      .setName("bdSeq")
                      .setDatatype(DataType.Int64_VALUE)
                      .setLongValue(0))
              .addMetrics(
                  Metric.newBuilder()
                      .setName("temperature")
                      .setAlias(1)
                      .setTimestamp(now)
                      .setDatatype(DataType.Double_VALUE)
                      .setDoubleValue(20))
              .build()
              .toByteArray();
      MqttMessage message = new MqttMessage(nbirth);
      message.setQos(1);
      publisher.publish("spBv1.0/" + group + "/NBIRTH/d" + d, message).waitForCompletion(10_000);
      seqs[d] = 1; // the birth's reading
    }
  }

  static byte[] ndata(int device, long seq, long now, double value, int index) {
    return Payload.newBuilder()
        .setTimestamp(now)
        .setSeq((seq - 1) % 256)
        .addMetrics(Metric.newBuilder().setAlias(1).setTimestamp(now).setDoubleValue(value))
        .build()
        .toByteArray();
  }

  /** The reading a command answers, from its action metric's properties. */
  static long readingSeq(byte[] command) throws Exception {
    for (Metric metric : Payload.parseFrom(command).getMetricsList()) {
      if (metric.hasProperties()) {
        var properties = metric.getProperties();
        for (int i = 0; i < properties.getKeysCount(); i++) {
          if (properties.getKeys(i).equals("readingSeq")) {
            return properties.getValues(i).getLongValue();
          }
        }
      }
    }
    return -1;
  }
}
