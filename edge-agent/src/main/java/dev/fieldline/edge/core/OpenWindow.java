package dev.fieldline.edge.core;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import java.util.Arrays;

/**
 * A summary window of one device's metric that is still open.
 *
 * <p>Its values also go into the summary's quantile sketch. A sketch costs about a kilobyte, and a
 * gateway with ten thousand devices has thirty thousand windows open, most with a few readings; so
 * the first {@value #BUFFERED} values wait in a small array (as floats: a sketch's bins are 2 %
 * wide) and only a busier window moves them into a sketch.
 *
 * <p>A closed window is {@linkplain #reopen reopened} as its metric's next one rather than dropped:
 * windows live for their length plus grace, long enough for the collector to move them to the old
 * generation, and with every device's windows turning over at the same boundaries, new objects
 * would put the whole open-window state into the old generation as garbage every window length
 * (about 6 MB for 10,000 devices every 10 s, each time a full collection).
 */
final class OpenWindow {
  static final int BUFFERED = 32;

  long start;
  final RunningStats stats = new RunningStats();
  long firstSeq = Long.MAX_VALUE;
  long lastSeq = Long.MIN_VALUE;
  // Counts of one window's readings fit an int (the missing and restarts come from sequence
  // numbers, which can jump by more): 16 bytes less in each of the 60,000 windows that 10,000
  // devices with 3 metrics keep.
  int rejected;
  int filtered;
  int anomalies;
  int decisions;
  long missing;
  long restarts;

  /** Its device was declared offline (Sparkplug B death) while it was open. */
  boolean offline;

  OpenWindow(long start) {
    this.start = start;
  }

  /** Forgets everything in this window, once emitted; then it waits to be reopened. */
  void clear() {
    stats.reset();
    firstSeq = Long.MAX_VALUE;
    lastSeq = Long.MIN_VALUE;
    rejected = 0;
    filtered = 0;
    anomalies = 0;
    decisions = 0;
    missing = 0;
    restarts = 0;
    offline = false;
    bufferedCount = 0;
    sketch = null;
  }

  /** Makes this cleared window the open window starting at {@code start}. */
  void reopen(long start) {
    this.start = start;
  }

  /** Whether it has anything to report; an empty window is forgotten without a summary. */
  boolean hasContent() {
    return stats.count() > 0 || filtered > 0 || rejected > 0 || missing > 0 || restarts > 0;
  }

  private float[] buffered;
  private int bufferedCount;
  private ValueSketch sketch;

  void add(double value, long seq) {
    stats.add(value);
    firstSeq = Math.min(firstSeq, seq);
    lastSeq = Math.max(lastSeq, seq);
    sketch(value);
  }

  /** The window's quantile sketch, encoded; null when no value was accepted. */
  byte[] sketchBytes() {
    if (bufferedCount == 0 && sketch == null) {
      return null;
    }
    ValueSketch all = sketch == null ? ValueSketch.empty() : sketch;
    for (int i = 0; i < bufferedCount; i++) {
      all.add(buffered[i]);
    }
    bufferedCount = 0;
    sketch = all;
    return all.toBytes();
  }

  private void sketch(double value) {
    if (sketch != null) {
      sketch.add(value);
      return;
    }
    if (buffered == null) {
      buffered = new float[4];
    } else if (bufferedCount == buffered.length) {
      if (bufferedCount == BUFFERED) {
        sketch = ValueSketch.empty();
        for (float v : buffered) {
          sketch.add(v);
        }
        buffered = null;
        bufferedCount = 0;
        sketch.add(value);
        return;
      }
      buffered = Arrays.copyOf(buffered, bufferedCount * 2);
    }
    buffered[bufferedCount++] = (float) value;
  }
}
