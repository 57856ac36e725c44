package dev.fieldline.edge.core.rules;

/** What a rule looks at. */
public enum RuleKind {
  /** The value against fixed limits. */
  THRESHOLD,
  /** The change per second against the previous reading. */
  RATE_OF_CHANGE,
  /** The distance from the global mean in standard deviations, from the latest feature update. */
  ZSCORE,
  /** An anomaly score in [0, 1] from the metric's own history ({@code SeriesDetector}). */
  ANOMALY;

  private final String id = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

  /** As written in rules files and decisions, e.g. {@code rate-of-change}. */
  public String id() {
    return id;
  }
}
