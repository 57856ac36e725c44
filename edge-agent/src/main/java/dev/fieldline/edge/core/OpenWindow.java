package dev.fieldline.edge.core;

import dev.fieldline.schema.stats.RunningStats;

/** A summary window of one device's metric that is still open. */
final class OpenWindow {
  final long start;
  final RunningStats stats = new RunningStats();
  long firstSeq = Long.MAX_VALUE;
  long lastSeq = Long.MIN_VALUE;
  long rejected;
  long filtered;
  long anomalies;
  long decisions;
  long missing;
  long restarts;

  OpenWindow(long start) {
    this.start = start;
  }

  /** Whether it has anything to report; an empty window is forgotten without a summary. */
  boolean hasContent() {
    return stats.count() > 0 || filtered > 0 || rejected > 0 || missing > 0 || restarts > 0;
  }

  void add(double value, long seq) {
    stats.add(value);
    firstSeq = Math.min(firstSeq, seq);
    lastSeq = Math.max(lastSeq, seq);
  }
}
