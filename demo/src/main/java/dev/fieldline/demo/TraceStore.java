package dev.fieldline.demo;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's last traces, in memory: every ended span, by trace, the oldest traces dropped past
 * {@code maxSpans}; readings found by device and sequence number, and the traces that link to a
 * trace (a summary links the readings of its window besides its parent), so that any traced
 * reading's path can be followed to every region.
 */
final class TraceStore implements SpanProcessor {
  static final AttributeKey<String> DEVICE = AttributeKey.stringKey("fieldline.device_id");
  static final AttributeKey<Long> SEQ = AttributeKey.longKey("fieldline.seq");

  private final int maxSpans;
  private final LinkedHashMap<String, List<SpanData>> traces = new LinkedHashMap<>();
  private final Map<String, String> readings = new HashMap<>();
  private final Map<String, Set<String>> linkedFrom = new HashMap<>();
  private int spans;

  TraceStore(int maxSpans) {
    this.maxSpans = maxSpans;
  }

  @Override
  public synchronized void onEnd(ReadableSpan ended) {
    SpanData span = ended.toSpanData();
    traces.computeIfAbsent(span.getTraceId(), id -> new ArrayList<>()).add(span);
    spans++;
    String device = span.getAttributes().get(DEVICE);
    Long seq = span.getAttributes().get(SEQ);
    if (span.getName().equals("edge.receive") && device != null && seq != null) {
      readings.put(device + "|" + seq, span.getTraceId());
    }
    for (LinkData link : span.getLinks()) {
      linkedFrom
          .computeIfAbsent(link.getSpanContext().getTraceId(), id -> new HashSet<>())
          .add(span.getTraceId());
    }
    while (spans > maxSpans && !traces.isEmpty()) {
      var oldest = traces.entrySet().iterator().next();
      spans -= oldest.getValue().size();
      linkedFrom.remove(oldest.getKey());
      traces.remove(oldest.getKey());
    }
  }

  /** The trace a reading started or continued; null when not traced or no longer kept. */
  synchronized String traceOf(String deviceId, long seq) {
    String trace = readings.get(deviceId + "|" + seq);
    return trace != null && traces.containsKey(trace) ? trace : null;
  }

  /** The spans of a trace, copied. */
  synchronized List<SpanData> spans(String traceId) {
    return new ArrayList<>(traces.getOrDefault(traceId, List.of()));
  }

  /** Traces with a span linking to {@code traceId}. */
  synchronized Set<String> linking(String traceId) {
    return new HashSet<>(linkedFrom.getOrDefault(traceId, Set.of()));
  }

  /** Some reading whose trace reached the given number of regions' global copies, or null. */
  synchronized String[] readingReaching(int regions) {
    for (Map.Entry<String, String> reading : readings.entrySet()) {
      long copies =
          traces.getOrDefault(reading.getValue(), List.of()).stream()
              .filter(span -> span.getName().equals("global.replicate"))
              .count();
      if (copies >= regions) {
        return reading.getKey().split("\\|");
      }
    }
    return null;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
