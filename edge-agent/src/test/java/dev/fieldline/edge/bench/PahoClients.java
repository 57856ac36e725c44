package dev.fieldline.edge.bench;

import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * Closes benchmark clients on every path. Paho's sender and receiver threads are not daemons: a
 * client left open (a disconnect that threw, a broker already gone) keeps the benchmark's JVM alive
 * after it printed its result.
 */
final class PahoClients {
  private PahoClients() {}

  static void close(MqttAsyncClient client) {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect(1_000).waitForCompletion(2_000);
      }
    } catch (MqttException | RuntimeException e) {
      try {
        client.disconnectForcibly(0, 1_000, false);
      } catch (MqttException ignored) {
        // gone either way
      }
    }
    try {
      client.close(true);
    } catch (MqttException ignored) {
      // closing anyway
    }
  }

  static void close(MqttClient client) {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect(1_000);
      }
    } catch (MqttException | RuntimeException e) {
      try {
        client.disconnectForcibly(0, 1_000, false);
      } catch (MqttException ignored) {
        // gone either way
      }
    }
    try {
      client.close(true);
    } catch (MqttException ignored) {
      // closing anyway
    }
  }
}
