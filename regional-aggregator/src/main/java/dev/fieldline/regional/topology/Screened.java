package dev.fieldline.regional.topology;

/**
 * A summary after the first checks: accepted for roll-up, or rejected with a reason.
 *
 * @param accepted the accepted summary, or null
 * @param rejected the rejected summary, or null
 */
record Screened(ReceivedSummary accepted, RejectedSummary rejected) {
  static Screened accepted(ReceivedSummary summary) {
    return new Screened(summary, null);
  }

  static Screened rejected(RejectedSummary rejected) {
    return new Screened(null, rejected);
  }

  boolean isRejected() {
    return rejected != null;
  }
}
