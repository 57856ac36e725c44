package dev.fieldline.edge.io;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * MQTT acknowledgements waiting for the journal. The decision thread adds each message with the
 * journal sequence number that must be committed first; the journal writer releases them, in
 * arrival order (MQTT wants acknowledgements in order), right after each commit. Acknowledging on
 * the writer's thread, the moment the data is durable, keeps the broker's in-flight window (50
 * messages per client on HiveMQ) moving, which is what bounds throughput and latency.
 */
public final class AckQueue {
  private record Pending(Inbound message, long journalSeq) {}

  private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
  private final MqttGateway mqtt;
  private final ReentrantLock releasing = new ReentrantLock();

  /**
   * Receipt to acknowledgement, in nanoseconds: how long the broker's in-flight window holds each
   * message, the figure that shows whether the journal is gating delivery.
   */
  private final Recorder latency = new Recorder(3);

  public AckQueue(MqttGateway mqtt) {
    this.mqtt = mqtt;
  }

  /** Decision thread: acknowledge {@code message} once the journal has committed {@code seq}. */
  public void add(Inbound message, long journalSeq) {
    pending.add(new Pending(message, journalSeq));
  }

  /**
   * Acknowledges everything the journal now holds. Called by the journal writer after each commit
   * (and every millisecond while acknowledgements wait). Under a lock so that acknowledgements
   * leave in order and once.
   */
  public void release(long committed) {
    releasing.lock();
    try {
      releaseHeld(committed);
    } finally {
      releasing.unlock();
    }
  }

  /**
   * {@link #release} for the decision thread, when a message's changes were already committed by
   * the time it was queued (otherwise its acknowledgement, and every later one, would wait for the
   * next commit: with the broker's in-flight window full, no next commit comes). It never waits:
   * the writer may hold the lock while Paho's send blocks it for milliseconds (seen at 55 ms on a
   * busy host), and the decision must not wait for that. When the lock is taken, the writer's
   * current pass or its next one, at most a millisecond later, acknowledges the message.
   */
  public void releaseIfFree(long committed) {
    if (releasing.tryLock()) {
      try {
        releaseHeld(committed);
      } finally {
        releasing.unlock();
      }
    }
  }

  private void releaseHeld(long committed) {
    Pending head;
    long now = 0;
    while ((head = pending.peek()) != null && head.journalSeq() <= committed) {
      pending.poll();
      mqtt.acknowledge(head.message());
      if (now == 0) {
        now = System.nanoTime();
      }
      latency.recordValue(Math.max(0, now - head.message().receivedNanos()));
    }
  }

  /** Receipt to acknowledgement since the last call (interval histogram), in nanoseconds. */
  public Histogram latencySnapshot() {
    return latency.getIntervalHistogram();
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }
}
