package dev.fieldline.edge.bench;

import dev.fieldline.edge.app.CallbackAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * The floor: a bare MQTT client that answers every reading that breaks the rule with a message of
 * its own, through the same broker, with the same hand-off off Paho's callback thread as the agent
 * but no parsing beyond finding the device and sequence number, no rules, no journal.
 */
final class EchoClient implements AutoCloseable {
  static final String IN = "bench/echo/in";
  static final String OUT = "bench/echo/out";

  private final MqttAsyncClient client;
  private final BlockingQueue<byte[]> handoff = new ArrayBlockingQueue<>(100_000);
  private final Thread thread;
  private volatile boolean running = true;

  EchoClient(String uri) throws Exception {
    client = new MqttAsyncClient(uri, "echo", new MemoryPersistence());
    client.setCallback(new CallbackAdapter((topic, payload) -> handoff.offer(payload)));
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setReceiveMaximum(65_535);
    options.setSocketFactory(
        new dev.fieldline.edge.io.NoDelaySocketFactory(javax.net.SocketFactory.getDefault()));
    client.connect(options).waitForCompletion(10_000);
    client.subscribe(IN, 1).waitForCompletion(10_000);
    thread = new Thread(this::run, "echo");
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        byte[] payload = handoff.poll(100, TimeUnit.MILLISECONDS);
        if (payload == null) {
          continue;
        }
        String json = new String(payload, StandardCharsets.UTF_8);
        String device = between(json, "\"deviceId\":\"", "\"");
        long seq = Long.parseLong(between(json, "\"seq\":", ","));
        if (LoadRun.hot(Integer.parseInt(device.substring(1)), seq)) {
          MqttMessage answer =
              new MqttMessage((device + "|" + seq).getBytes(StandardCharsets.UTF_8));
          answer.setQos(1);
          client.publish(OUT, answer);
        }
      }
    } catch (Exception e) {
      if (running) {
        e.printStackTrace();
      }
    }
  }

  static String between(String text, String before, String after) {
    int start = text.indexOf(before) + before.length();
    return text.substring(start, text.indexOf(after, start));
  }

  @Override
  public void close() throws Exception {
    running = false;
    thread.join(2_000);
    PahoClients.close(client);
  }
}
