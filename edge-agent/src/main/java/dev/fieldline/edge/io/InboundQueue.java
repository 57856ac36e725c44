package dev.fieldline.edge.io;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The hand-off from Paho's callback thread to the decision thread: lock-free (a {@link
 * SingleConsumerQueue}), and bounded, so that a flood of QoS 0 messages (the broker's receive
 * maximum limits only QoS 1 and 2) cannot fill the heap.
 */
public final class InboundQueue {
  private final SingleConsumerQueue<Inbound> queue = new SingleConsumerQueue<>();

  /** Counted apart: a lock-free queue's own {@code size()} walks every element. */
  private final AtomicInteger size = new AtomicInteger();

  private final int capacity;

  public InboundQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1 (got " + capacity + ")");
    }
    this.capacity = capacity;
  }

  /** Adds {@code message} unless the queue holds {@code capacity} messages already. */
  public boolean offer(Inbound message) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    queue.add(message);
    return true;
  }

  /** The oldest message, or null when there is none. */
  public Inbound poll() {
    return taken(queue.poll());
  }

  /** The oldest message, waiting up to {@code timeout} for one; null when none came. */
  public Inbound poll(long timeout, TimeUnit unit) throws InterruptedException {
    return taken(queue.poll(timeout, unit));
  }

  /** Messages waiting. */
  public int size() {
    return size.get();
  }

  private Inbound taken(Inbound message) {
    if (message != null) {
      size.decrementAndGet();
    }
    return message;
  }
}
