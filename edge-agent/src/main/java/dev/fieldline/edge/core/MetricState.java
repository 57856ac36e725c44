package dev.fieldline.edge.core;

import dev.fieldline.edge.core.filters.FilterSpec;
import dev.fieldline.edge.core.rules.MetricRules;
import java.util.ArrayList;
import java.util.List;

/** Everything the core keeps for one metric of one device: filter state, rules, open windows. */
final class MetricState {
  final String metric;
  final FilterSpec filter;
  final MetricRules rules;
  double lastReported = Double.NaN;
  long lastAcceptedTime = Long.MIN_VALUE;

  /** Windows starting before this have been emitted; a reading for one of them is late. */
  long closedBefore = Long.MIN_VALUE;

  /** Usually one; two around a window boundary while the older one waits for its grace. */
  final List<OpenWindow> windows = new ArrayList<>(2);

  /** The last window closed, to be reopened as the next one ({@link OpenWindow}). */
  private OpenWindow closed;

  MetricState(String metric, FilterSpec filter, MetricRules rules) {
    this.metric = metric;
    this.filter = filter;
    this.rules = rules;
  }

  OpenWindow window(long start) {
    for (int i = 0; i < windows.size(); i++) {
      OpenWindow window = windows.get(i);
      if (window.start == start) {
        return window;
      }
    }
    OpenWindow window = closed;
    if (window == null) {
      window = new OpenWindow(start);
    } else {
      closed = null;
      window.reopen(start);
    }
    windows.add(window);
    return window;
  }

  /** Removes the window at {@code index}, already emitted, and keeps it, cleared, for reuse. */
  void close(int index) {
    closed = windows.remove(index);
    closed.clear();
  }
}
