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

  OpenWindow(long start) {
    this.start = start;
  }

  void add(double value, long seq) {
    stats.add(value);
    firstSeq = Math.min(firstSeq, seq);
    lastSeq = Math.max(lastSeq, seq);
  }
}
