package dev.fieldline.edge.core.rules;

/** One rule's state for one device and metric: debounce history and whether it is active. */
final class RuleState {
  final RuleSpec spec;
  long history;
  int seen;
  boolean active;

  RuleState(RuleSpec spec) {
    this.spec = spec;
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
