package dev.fieldline.support.tracing;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Trace context of what went into each open window, for the span of what comes out: the first
 * sampled input is the output's parent (so one input's trace runs on through every tier) and up to
 * {@code maxLinks} others are links. In memory only, by design: after a restart a window's output
 * starts a new trace; tracing is evidence, not data. Not thread-safe: one per task or thread.
 */
public final class WindowTraces {
  private final int maxLinks;
  private final Map<String, Entry> windows = new HashMap<>();

  public WindowTraces(int maxLinks) {
    this.maxLinks = maxLinks;
  }

  /**
   * Records that an input with {@code context} joined {@code window}; unsampled ones are skipped.
   */
  public void joined(String window, SpanContext context) {
    if (context == null || !context.isSampled()) {
      return;
    }
    Entry entry = windows.computeIfAbsent(window, key -> new Entry(context));
    if (!entry.parent.equals(context)
        && entry.links.size() < maxLinks
        && !entry.links.contains(context)) {
      entry.links.add(context);
    }
  }

  /**
   * Forgets {@code window} and sets its inputs on the output span: parent and links, or no parent
   * (a new trace, sampled by the ratio) when no input was traced. Returns the linked inputs (none
   * when no input was traced).
   */
  public List<SpanContext> closed(String window, SpanBuilder output) {
    Entry entry = windows.remove(window);
    if (entry == null) {
      output.setNoParent();
      return List.of();
    }
    output.setParent(TraceParent.asParent(entry.parent));
    entry.links.forEach(output::addLink);
    return List.copyOf(entry.links);
  }

  /** Windows with traced inputs, open now. */
  public int open() {
    return windows.size();
  }

  private static final class Entry {
    final SpanContext parent;
    final List<SpanContext> links = new ArrayList<>();

    Entry(SpanContext parent) {
      this.parent = parent;
    }
  }
}
