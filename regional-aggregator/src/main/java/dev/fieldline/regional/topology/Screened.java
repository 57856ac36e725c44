package dev.fieldline.regional.topology;

import dev.fieldline.schema.v1.EdgeSummary;

/**
 * A summary after the first checks: accepted for roll-up, or rejected with a reason.
 *
 * @param summary the accepted summary, or null
 * @param rejected the rejected summary, or null
 */
record Screened(EdgeSummary summary, RejectedSummary rejected) {
  static Screened accepted(EdgeSummary summary) {
    return new Screened(summary, null);
  }

  static Screened rejected(RejectedSummary rejected) {
    return new Screened(null, rejected);
  }

  boolean isRejected() {
    return rejected != null;
  }
}
