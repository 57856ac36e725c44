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
  static final String IN = in("echo");
  static final String OUT = out("echo");

  private final MqttAsyncClient client;
  private final String out;
  private final BlockingQueue<byte[]> handoff = new ArrayBlockingQueue<>(100_000);
  private final Thread thread;
  private volatile boolean running = true;

  EchoClient(String uri) throws Exception {
    this(uri, "echo");
  }

  /** An echo named {@code name} (its client id): reads {@link #in}, answers on {@link #out}. */
  EchoClient(String uri, String name) throws Exception {
    out = out(name);
    client = new MqttAsyncClient(uri, name, new MemoryPersistence());
    client.setCallback(new CallbackAdapter((topic, payload) -> handoff.offer(payload)));
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setReceiveMaximum(65_535);
    options.setSocketFactory(new dev.fieldline.edge.io.NoDelaySocketFactory());
    client.connect(options).waitForCompletion(10_000);
    client.subscribe(in(name), 1).waitForCompletion(10_000);
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
          client.publish(out, answer);
        }
      }
    } catch (Exception e) {
      if (running) {
        e.printStackTrace();
      }
    }
  }

  static String in(String name) {
    return "bench/" + name + "/in";
  }

  static String out(String name) {
    return "bench/" + name + "/out";
  }

  /**
   * The echo alone in a JVM: {@code EchoClient <broker uri> <name>}. Prints {@code ready} once
   * subscribed and answers until its standard input closes.
   */
  public static void main(String[] args) throws Exception {
    try (EchoClient echo = new EchoClient(args[0], args[1])) {
      System.out.println("ready");
      System.out.flush();
      while (System.in.read() != -1) {
        // until the benchmark closes the pipe
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
