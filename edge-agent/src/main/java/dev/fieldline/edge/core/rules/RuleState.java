package dev.fieldline.edge.core.rules;

import dev.fieldline.edge.anomaly.SeriesDetector;

/** One rule's state for one device and metric: debounce history and whether it is active. */
final class RuleState {
  final RuleSpec spec;

  /** Anomaly rules: the metric's detector, made with the state (never on a reading). */
  final SeriesDetector detector;

  /** The ends of its decisions' reasons, built once: a decision is on the hot path. */
  final String aboveReason;

  final String belowReason;

  long history;
  int seen;
  boolean active;

  RuleState(RuleSpec spec) {
    this.spec = spec;
    this.detector = spec.kind() == RuleKind.ANOMALY ? new SeriesDetector(spec.detector()) : null;
    this.aboveReason = " above " + spec.above();
    this.belowReason = " below " + spec.below();
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
