package dev.fieldline.edge.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fieldline.edge.config.EdgeConfig;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class AckQueueTest {
  @Test
  void shouldReleaseInArrivalOrderOnlyWhatTheJournalHoldsAndTimeEachFromReceipt() throws Exception {
    MqttGateway mqtt = new MqttGateway(new EdgeConfig().mqttSettings(), new InboundQueue(16));
    try {
      AckQueue acks = new AckQueue(mqtt);
      long now = System.nanoTime();
      // From a connection that is gone: released and timed, but not sent (nothing is connected).
      acks.add(new Inbound("t", new byte[0], 1, 1, 99, now - 5_000_000, null), 1);
      acks.add(new Inbound("t", new byte[0], 2, 1, 99, now, null), 3);
      acks.add(new Inbound("t", new byte[0], 3, 1, 99, now, null), 2);

      acks.releaseIfFree(2); // the decision thread's way, uncontended here: the same
      Histogram first = acks.latencySnapshot();
      assertEquals(
          1, first.getTotalCount(), "the second waits for journal change 3, the third for it");
      assertTrue(first.getMaxValue() >= 5_000_000, "timed from receipt");
      assertFalse(acks.isEmpty());

      acks.release(3);
      assertTrue(acks.isEmpty());
      assertEquals(2, acks.latencySnapshot().getTotalCount());
    } finally {
      mqtt.close();
    }
  }
}
