package dev.fieldline.edge.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Open-loop load: publishes readings at a fixed rate (on a schedule, whatever the responses do) and
 * measures, for every reading that should cause a response, the time from its scheduled send to the
 * response's arrival. Latency counts from the schedule, so a stalled publisher cannot hide delays
 * (no coordinated omission).
 */
final class LoadRun {
  /** Every 10th reading of each device breaks the rule. */
  static final int HOT_EVERY = 10;

  /**
   * Whether reading {@code seq} of device number {@code device} breaks the rule: every {@value
   * #HOT_EVERY}th of each device, staggered across devices so that a tenth of all readings does
   * however many devices share the load (with 10,000 devices each sends only a few in a run).
   */
  static boolean hot(int device, long seq) {
    return (seq + device) % HOT_EVERY == 0;
  }

  /** Builds reading {@code seq} of device number {@code device}. */
  @FunctionalInterface
  interface PayloadMaker {
    byte[] payload(int device, long seq, long now, double value, int index);
  }

  /** Fieldline's own JSON reading, with the temperature only. */
  static final PayloadMaker JSON = json(1);

  /** Fieldline's own JSON reading with {@code metrics} metrics, the temperature first. */
  static PayloadMaker json(int metrics) {
    return (device, seq, now, value, index) ->
        Payloads.reading("d" + device, seq, now, value, index, metrics);
  }

  private final PayloadMaker payloads;
  private final ConcurrentHashMap<String, Long> scheduled = new ConcurrentHashMap<>();
  private final Recorder latency = new Recorder(3);

  LoadRun() {
    this(JSON);
  }

  /** A load whose {@link #run} without a payload maker sends {@code payloads}' readings. */
  LoadRun(PayloadMaker payloads) {
    this.payloads = payloads;
  }

  /** Called by the response subscriber with the response's device and sequence number. */
  void responded(String device, long seq) {
    Long sentAt = scheduled.remove(device + "|" + seq);
    if (sentAt != null) {
      latency.recordValue(Math.max(0, System.nanoTime() - sentAt));
    }
  }

  /**
   * Publishes for {@code seconds} at {@code rate} readings per second over {@code devices} devices,
   * to {@code topicFor(device)}.
   *
   * @return the latency histogram of the responses, and how many expected responses never came
   */
  Outcome run(
      MqttAsyncClient publisher,
      java.util.function.IntFunction<String> topicFor,
      int devices,
      long[] seqs,
      int rate,
      double seconds)
      throws Exception {
    return run(publisher, topicFor, payloads, devices, seqs, rate, seconds);
  }

  /** As above, with payloads from {@code payloads}. */
  Outcome run(
      MqttAsyncClient publisher,
      java.util.function.IntFunction<String> topicFor,
      PayloadMaker payloads,
      int devices,
      long[] seqs,
      int rate,
      double seconds)
      throws Exception {
    latency.reset();
    scheduled.clear();
    long interval = 1_000_000_000L / rate;
    long total = (long) (rate * seconds);
    long start = System.nanoTime() + 50_000_000L;
    int expected = 0;
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(Math.min(wait, 200_000));
      }
      int d = (int) (i % devices);
      long seq = ++seqs[d];
      boolean hot = hot(d, seq);
      String device = "d" + d;
      if (hot) {
        scheduled.put(device + "|" + seq, due);
        expected++;
      }
      MqttMessage message =
          new MqttMessage(
              payloads.payload(
                  d, seq, System.currentTimeMillis(), hot ? 90 : 20 + (i % 5), (int) i));
      message.setQos(1);
      publish(publisher, topicFor.apply(d), message);
    }
    Thread.sleep(1_500); // stragglers
    Histogram histogram = latency.getIntervalHistogram();
    int missing = scheduled.size();
    return new Outcome(histogram, expected, missing);
  }

  /**
   * Publishes, waiting while the client's window of unacknowledged messages is full: a broker that
   * falls behind at a step's rate then shows as latency (measured from each reading's due time),
   * not as an exception that ends the benchmark.
   */
  private static void publish(MqttAsyncClient publisher, String topic, MqttMessage message)
      throws MqttException {
    while (true) {
      try {
        publisher.publish(topic, message);
        return;
      } catch (MqttException e) {
        if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
          throw e;
        }
        LockSupport.parkNanos(100_000);
      }
    }
  }

  record Outcome(Histogram latency, int expected, int missing) {
    /** Both runs' responses together. */
    Outcome plus(Outcome other) {
      Histogram both = latency.copy();
      both.add(other.latency);
      return new Outcome(both, expected + other.expected, missing + other.missing);
    }

    long p(double percentile) {
      return latency.getTotalCount() == 0
          ? Long.MAX_VALUE
          : latency.getValueAtPercentile(percentile);
    }

    boolean healthy(long p99LimitNanos) {
      return missing == 0 && p(99) <= p99LimitNanos;
    }
  }
}
