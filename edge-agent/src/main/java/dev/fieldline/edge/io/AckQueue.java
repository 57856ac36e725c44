package dev.fieldline.edge.io;

import java.util.concurrent.ConcurrentLinkedQueue;

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

  public AckQueue(MqttGateway mqtt) {
    this.mqtt = mqtt;
  }

  /** Decision thread: acknowledge {@code message} once the journal has committed {@code seq}. */
  public void add(Inbound message, long journalSeq) {
    pending.add(new Pending(message, journalSeq));
  }

  /**
   * Acknowledges everything the journal now holds. Called by the journal writer after each commit,
   * and by the decision thread when a message's changes were already committed by the time it was
   * queued (otherwise its acknowledgement, and every later one, would wait for the next commit:
   * with the broker's in-flight window full, no next commit comes). Synchronized so that
   * acknowledgements leave in order and once.
   */
  public synchronized void release(long committed) {
    Pending head;
    while ((head = pending.peek()) != null && head.journalSeq() <= committed) {
      pending.poll();
      mqtt.acknowledge(head.message());
    }
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }
}
