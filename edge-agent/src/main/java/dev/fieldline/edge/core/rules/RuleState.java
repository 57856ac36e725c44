package dev.fieldline.edge.core.rules;

import dev.fieldline.edge.anomaly.SeriesDetector;

/** One rule's state for one device and metric: debounce history and whether it is active. */
final class RuleState {
  final RuleSpec spec;

  /** Anomaly rules: the metric's detector, made with the state (never on a reading). */
  final SeriesDetector detector;

  /**
   * The ends of its decisions' reasons, built at the first decision and kept: a decision is on the
   * hot path, and most devices' rules never fire (two strings for each of 10,000 devices
   * otherwise).
   */
  private String aboveReason;

  private String belowReason;

  long history;
  int seen;
  boolean active;

  RuleState(RuleSpec spec) {
    this.spec = spec;
    this.detector = spec.kind() == RuleKind.ANOMALY ? new SeriesDetector(spec.detector()) : null;
  }

  String aboveReason() {
    if (aboveReason == null) {
      aboveReason = " above " + spec.above();
    }
    return aboveReason;
  }

  String belowReason() {
    if (belowReason == null) {
      belowReason = " below " + spec.below();
    }
    return belowReason;
  }

  /** Records one evaluation; true when N of the last M evaluations were triggered. */
  boolean debounce(boolean triggered) {
    long mask = spec.debounceM() >= 64 ? -1L : (1L << spec.debounceM()) - 1;
    history = ((history << 1) | (triggered ? 1 : 0)) & mask;
    if (seen < spec.debounceM()) {
      seen++;
    }
    return Long.bitCount(history) >= spec.debounceN();
  }
}
