package dev.fieldline.demo;

import java.util.ArrayDeque;
import java.util.Deque;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An edge's decision latencies, as the run's total and over its last seconds with decisions. The
 * recent figure is the one to watch, as an operator watches a dashboard's rate window: the total
 * keeps the start-up seconds (JIT compilation, every tier starting on the same cores) for the whole
 * run. Seconds without a decision are skipped, so that the figure stays while the run drains.
 */
final class DecisionLatency {
  /** How many seconds with decisions the recent figure covers. */
  static final int RECENT_SECONDS = 10;

  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private final Deque<Histogram> seconds = new ArrayDeque<>();

  void record(long micros) {
    recorder.recordValue(Math.max(1, micros));
  }

  /** Takes what was recorded since the last call; call it about once a second. */
  synchronized void roll() {
    Histogram interval = recorder.getIntervalHistogram();
    if (interval.getTotalCount() == 0) {
      return;
    }
    total.add(interval);
    seconds.addLast(interval);
    if (seconds.size() > RECENT_SECONDS) {
      seconds.removeFirst();
    }
  }

  synchronized Histogram total() {
    return total.copy();
  }

  /** The last {@value #RECENT_SECONDS} seconds with decisions, as of the last {@link #roll}. */
  synchronized Histogram recent() {
    Histogram recent = new Histogram(3);
    seconds.forEach(recent::add);
    return recent;
  }
}
