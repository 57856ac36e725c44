package dev.fieldline.demo;

import dev.fieldline.simulator.Ledger;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Notes every quarter second how far each device of a fleet has published (its last acknowledged
 * sequence number), so that a time span (a fault) can be turned into the sequence numbers sent in
 * it.
 */
final class SeqClock implements AutoCloseable {
  private final Ledger ledger;
  private final ConcurrentSkipListMap<Long, Map<String, Long>> marks =
      new ConcurrentSkipListMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  SeqClock(Ledger ledger) {
    this.ledger = ledger;
    this.thread = new Thread(this::run, "seq-clock");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      Map<String, Long> now = new HashMap<>();
      ledger.devices().forEach((device, record) -> now.put(device, record.lastSeq()));
      marks.put(System.currentTimeMillis(), now);
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Each device's last sequence number at {@code epochMillis}; 0 before the first mark. */
  long seqAt(String device, long epochMillis) {
    var mark = marks.floorEntry(epochMillis);
    if (mark == null) {
      return 0;
    }
    return Math.max(0, mark.getValue().getOrDefault(device, 0L));
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(2_000);
  }
}
