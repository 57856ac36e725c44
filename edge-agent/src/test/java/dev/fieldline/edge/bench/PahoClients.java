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
    if (client != null) {
      close(
          client.isConnected(),
          () -> client.disconnect(1_000).waitForCompletion(2_000),
          () -> client.disconnectForcibly(0, 1_000, false),
          () -> client.close(true));
    }
  }

  static void close(MqttClient client) {
    if (client != null) {
      close(
          client.isConnected(),
          () -> client.disconnect(1_000),
          () -> client.disconnectForcibly(0, 1_000, false),
          () -> client.close(true));
    }
  }

  /** Disconnects politely, else forcibly, then closes, whatever each step throws. */
  private static void close(
      boolean connected, Step disconnect, Step disconnectForcibly, Step release) {
    try {
      if (connected) {
        disconnect.run();
      }
    } catch (MqttException | RuntimeException e) {
      quietly(disconnectForcibly);
    }
    quietly(release);
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (MqttException | RuntimeException ignored) {
      // closing anyway
    }
  }

  private interface Step {
    void run() throws MqttException;
  }
}
