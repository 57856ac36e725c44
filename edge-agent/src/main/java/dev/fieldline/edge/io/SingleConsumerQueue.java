package dev.fieldline.edge.io;

import java.util.Collection;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A queue that one thread takes from, waiting for elements by parking: lock-free on both sides (the
 * JDK's {@link ConcurrentLinkedQueue}), so that no thread ever waits for another to be scheduled
 * again. With the lock of an {@code ArrayBlockingQueue} or a {@code LinkedBlockingQueue}, a thread
 * preempted while it held the lock stalled the other side for up to 30 ms on a busy two-core host.
 * The JDK's lock-free {@code LinkedTransferQueue} is not used because its waiting consumer first
 * yields its core ({@code Thread.yield}) and goes to the back of the run queue, which on a busy
 * host delays it by a scheduler slice when the element it waits for comes right after.
 *
 * <p>No wake-up is lost: the consumer announces itself before it looks at the queue a last time,
 * and a producer looks for it after adding, so either the consumer sees the element or the producer
 * sees the consumer and unparks it (a permit given before the park is kept).
 */
final class SingleConsumerQueue<E> {
  private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
  private volatile Thread waiting;

  /** Adds {@code element}, waking the consumer when it waits. */
  void add(E element) {
    queue.offer(element);
    Thread consumer = waiting;
    if (consumer != null) {
      LockSupport.unpark(consumer);
    }
  }

  /** The oldest element, or null. Consumer thread only, like every method that takes. */
  E poll() {
    return queue.poll();
  }

  /** The oldest element, waiting up to {@code timeout} for one; null when none came. */
  E poll(long timeout, TimeUnit unit) throws InterruptedException {
    E element = queue.poll();
    if (element != null) {
      return element;
    }
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    waiting = Thread.currentThread();
    try {
      while ((element = queue.poll()) == null) {
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        LockSupport.parkNanos(this, left);
      }
      return element;
    } finally {
      waiting = null;
    }
  }

  /** Moves up to {@code max} elements, oldest first, to {@code target}; returns how many. */
  int drainTo(Collection<? super E> target, int max) {
    int moved = 0;
    E element;
    while (moved < max && (element = queue.poll()) != null) {
      target.add(element);
      moved++;
    }
    return moved;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }
}
