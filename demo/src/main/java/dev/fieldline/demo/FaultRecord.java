package dev.fieldline.demo;

import java.time.Duration;
import java.time.Instant;

/**
 * When a fault was injected and lifted, and when the pipeline worked again (null if it did not
 * within the recovery timeout).
 */
record FaultRecord(String name, Instant injected, Instant lifted, Instant recovered) {
  /** From lifting the fault (or the kill) to working again. */
  Duration recoveryTime() {
    return recovered == null ? null : Duration.between(lifted, recovered);
  }

  /** The span whose data the fault may have touched: from a window before it to a window after. */
  boolean touches(long epochMillis, Duration margin) {
    Instant end = recovered == null ? Instant.MAX : recovered.plus(margin);
    return !Instant.ofEpochMilli(epochMillis).isBefore(injected.minus(margin))
        && Instant.ofEpochMilli(epochMillis).isBefore(end);
  }
}
