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

  /** The path as text, or a sentence saying why there is none. */
  static String describe(TraceStore store, String deviceId, long seq) {
    String first = store.traceOf(deviceId, seq);
    if (first == null) {
      return "no trace of reading "
          + deviceId
          + " #"
          + seq
          + " (not sampled, not received yet, or older than the traces kept)\n";
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
    StringBuilder text = new StringBuilder();
    text.append(String.format("reading %s #%d, trace %s%n", deviceId, seq, first));
    text.append(
        String.format(
            "%-10s %-9s %-18s %12s %10s  %s%n",
            "tier", "region", "span", "at (ms)", "took (ms)", "trace"));
    for (SpanData span : spans) {
      String region = span.getAttributes().get(REGION);
      String from = span.getAttributes().get(FROM);
      text.append(
          String.format(
              "%-10s %-9s %-18s %12.1f %10.2f  %s%s%n",
              orDash(span.getAttributes().get(TIER)),
              orDash(region),
              span.getName(),
              (span.getStartEpochNanos() - origin) / 1e6,
              (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6,
              span.getTraceId().equals(first)
                  ? "same"
                  : "linked " + span.getTraceId().substring(0, 8),
              from == null ? "" : " (from " + from + ")"));
    }
    text.append(String.format("time in each tier and region (ms after the reading arrived):%n"));
    Map<String, long[]> tiers = new LinkedHashMap<>();
    for (SpanData span : spans) {
      String where =
          orDash(span.getAttributes().get(TIER)) + " " + orDash(span.getAttributes().get(REGION));
      long[] range =
          tiers.computeIfAbsent(where, key -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      range[0] = Math.min(range[0], span.getStartEpochNanos());
      range[1] = Math.max(range[1], span.getEndEpochNanos());
    }
    tiers.forEach(
        (where, range) ->
            text.append(
                String.format(
                    "  %-20s from %10.1f to %10.1f  (%.1f)%n",
                    where,
                    (range[0] - origin) / 1e6,
                    (range[1] - origin) / 1e6,
                    (range[1] - range[0]) / 1e6)));
    return text.toString();
  }

  private static String orDash(String value) {
    return value == null ? "-" : value;
  }
}
