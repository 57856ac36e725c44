package dev.fieldline.edge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class InboundQueueTest {
  private static Inbound message(int id) {
    return new Inbound("t", new byte[0], id, 1, 1, System.nanoTime(), null);
  }

  @Test
  void shouldRefuseMessagesBeyondItsCapacityUntilOneIsTaken() {
    InboundQueue queue = new InboundQueue(2);
    assertTrue(queue.offer(message(1)));
    assertTrue(queue.offer(message(2)));
    assertFalse(queue.offer(message(3)), "full");
    assertEquals(2, queue.size());

    assertEquals(1, queue.poll().messageId());
    assertTrue(queue.offer(message(4)), "room again");
    assertEquals(2, queue.poll().messageId());
    assertEquals(4, queue.poll().messageId());
    assertNull(queue.poll());
    assertEquals(0, queue.size());
  }

  /**
   * The producer pauses every few messages, so the consumer often finds the queue empty and parks:
   * a lost wake-up would leave it parked for its whole minute and fail the test's timeout.
   */
  @Test
  @Timeout(30)
  void shouldHandEveryMessageOverInOrderAcrossThreadsAndWakeAParkedConsumer() throws Exception {
    int count = 100_000;
    InboundQueue queue = new InboundQueue(1_000);
    Thread producer =
        new Thread(
            () -> {
              for (int id = 1; id <= count; ) {
                if (queue.offer(message(id))) {
                  if (id++ % 50 == 0) {
                    LockSupport.parkNanos(20_000);
                  }
                } else {
                  Thread.onSpinWait();
                }
              }
            });
    producer.start();
    for (int expected = 1; expected <= count; expected++) {
      Inbound next = queue.poll(60, TimeUnit.SECONDS);
      assertEquals(expected, next == null ? -1 : next.messageId(), "lost, repeated or reordered");
    }
    producer.join();
    assertNull(queue.poll(1, TimeUnit.MILLISECONDS));
    assertEquals(0, queue.size());
  }

  @Test
  void shouldRejectACapacityBelowOne() {
    assertThrows(IllegalArgumentException.class, () -> new InboundQueue(0));
  }
}
