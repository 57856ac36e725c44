package dev.fieldline.regional.topology;

import dev.fieldline.schema.v1.RegionalAggregate;

/**
 * What the roll-up emits: a final aggregate, or a summary that came after its window had closed.
 *
 * @param aggregate the final roll-up of one scope and window, or null
 * @param rejected the late summary, or null
 */
record RollupResult(RegionalAggregate aggregate, RejectedSummary rejected) {
  static RollupResult of(RegionalAggregate aggregate) {
    return new RollupResult(aggregate, null);
  }

  static RollupResult rejected(RejectedSummary rejected) {
    return new RollupResult(null, rejected);
  }

  boolean isRejected() {
    return rejected != null;
  }
}
