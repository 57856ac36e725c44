package dev.fieldline.edge.app;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.MqttClient;

/**
 * Test devices publishing one temperature reading each per period, with sequence numbers from 1,
 * until stopped; remembers the last sequence number each device sent.
 */
final class DeviceFleet implements AutoCloseable {
  private final MqttClient client;
  private final int devices;
  private final long periodMillis;
  private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Exception failure;

  DeviceFleet(String mqttUri, int devices, long periodMillis) throws Exception {
    this.client = EdgeFixture.device(mqttUri, "fleet-" + System.nanoTime());
    this.devices = devices;
    this.periodMillis = periodMillis;
    for (int d = 0; d < devices; d++) {
      sent.put("dev-" + d, new AtomicLong());
    }
    this.thread = new Thread(this::run, "device-fleet");
    this.thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (int d = 0; d < devices; d++) {
          String id = "dev-" + d;
          long seq = sent.get(id).get() + 1;
          EdgeFixture.publish(client, "site-1", id, EdgeFixture.reading(id, seq, 20 + seq % 5));
          sent.get(id).set(seq);
        }
        Thread.sleep(periodMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    }
  }

  /** Stops publishing and returns the last sequence number per device. */
  Map<String, Long> stop() throws Exception {
    running = false;
    thread.join(10_000);
    if (failure != null) {
      throw failure;
    }
    Map<String, Long> last = new ConcurrentHashMap<>();
    sent.forEach((id, seq) -> last.put(id, seq.get()));
    return last;
  }

  long total() {
    return sent.values().stream().mapToLong(AtomicLong::get).sum();
  }

  @Override
  public void close() throws Exception {
    running = false;
    thread.join(10_000);
    client.disconnect();
    client.close();
  }
}
