package dev.fieldline.regional.topology;

import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.RegionalAggregate;

/**
 * What the roll-up emits: a final aggregate, or a summary that came after its window had closed.
 *
 * @param aggregate the final roll-up of one scope and window, or null
 * @param late the late summary, or null
 * @param reason why the summary is late, or null
 */
record RollupResult(RegionalAggregate aggregate, EdgeSummary late, String reason) {
  static RollupResult of(RegionalAggregate aggregate) {
    return new RollupResult(aggregate, null, null);
  }

  static RollupResult late(EdgeSummary summary, String reason) {
    return new RollupResult(null, summary, reason);
  }

  boolean isLate() {
    return late != null;
  }
}
