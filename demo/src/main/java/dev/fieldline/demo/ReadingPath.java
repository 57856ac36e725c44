package dev.fieldline.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One reading's whole path as the {@link TraceStore} saw it: its own trace, then every trace that
 * continued it by a link (the summary of its window, the roll-up of that summary, the global
 * copies), each span with its tier, region and time since the reading arrived.
 */
final class ReadingPath {
  private static final AttributeKey<String> TIER = AttributeKey.stringKey("fieldline.tier");
  private static final AttributeKey<String> REGION = AttributeKey.stringKey("fieldline.region");
  private static final AttributeKey<String> FROM = AttributeKey.stringKey("fieldline.from_region");

  private ReadingPath() {}

  /**
   * One span of the path: where it ran, what it was, when it started (ms after the reading arrived)
   * and how long it took; {@code trace} is "same" for the reading's own trace, otherwise "linked"
   * and the first 8 characters of the trace id.
   */
  record Step(
      String tier,
      String region,
      String span,
      double atMs,
      double tookMs,
      String trace,
      String from) {}

  /** The path's spans in start order; empty when no trace of the reading is kept. */
  static List<Step> steps(TraceStore store, String deviceId, long seq) {
    String first = store.traceOf(deviceId, seq);
    if (first == null) {
      return List.of();
    }
    List<SpanData> spans = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<String> next = new ArrayDeque<>(List.of(first));
    while (!next.isEmpty()) {
      String trace = next.poll();
      if (seen.add(trace)) {
        spans.addAll(store.spans(trace));
        next.addAll(store.linking(trace));
      }
    }
    spans.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    long origin =
        spans.stream()
            .filter(span -> span.getName().equals("edge.receive"))
            .filter(span -> span.getTraceId().equals(first))
            .mapToLong(SpanData::getStartEpochNanos)
            .min()
            .orElse(spans.get(0).getStartEpochNanos());
    List<Step> steps = new ArrayList<>();
    for (SpanData span : spans) {
      steps.add(
          new Step(
              orDash(span.getAttributes().get(TIER)),
              orDash(span.getAttributes().get(REGION)),
              span.getName(),
              (span.getStartEpochNanos() - origin) / 1e6,
              (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6,
              span.getTraceId().equals(first)
                  ? "same"
                  : "linked " + span.getTraceId().substring(0, 8),
              span.getAttributes().get(FROM)));
    }
    return steps;
  }

  /** The path as text, or a sentence saying why there is none. */
  static String describe(TraceStore store, String deviceId, long seq) {
    List<Step> steps = steps(store, deviceId, seq);
    if (steps.isEmpty()) {
      return "no trace of reading "
          + deviceId
          + " #"
          + seq
          + " (not sampled, not received yet, or older than the traces kept)\n";
    }
    StringBuilder text = new StringBuilder();
    text.append(
        String.format("reading %s #%d, trace %s%n", deviceId, seq, store.traceOf(deviceId, seq)));
    text.append(
        String.format(
            "%-10s %-9s %-18s %12s %10s  %s%n",
            "tier", "region", "span", "at (ms)", "took (ms)", "trace"));
    for (Step step : steps) {
      text.append(
          String.format(
              "%-10s %-9s %-18s %12.1f %10.2f  %s%s%n",
              step.tier(),
              step.region(),
              step.span(),
              step.atMs(),
              step.tookMs(),
              step.trace(),
              step.from() == null ? "" : " (from " + step.from() + ")"));
    }
    text.append(String.format("time in each tier and region (ms after the reading arrived):%n"));
    Map<String, double[]> tiers = new LinkedHashMap<>();
    for (Step step : steps) {
      double[] range =
          tiers.computeIfAbsent(
              step.tier() + " " + step.region(),
              key -> new double[] {Double.MAX_VALUE, -Double.MAX_VALUE});
      range[0] = Math.min(range[0], step.atMs());
      range[1] = Math.max(range[1], step.atMs() + step.tookMs());
    }
    tiers.forEach(
        (where, range) ->
            text.append(
                String.format(
                    "  %-20s from %10.1f to %10.1f  (%.1f)%n",
                    where, range[0], range[1], range[1] - range[0])));
    return text.toString();
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
