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
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's last traces, in memory: every ended span, by trace, the oldest traces dropped past
 * {@code maxSpans}; readings found by device and sequence number, and the traces that link to a
 * trace (a summary links the readings of its window besides its parent), so that any traced
 * reading's path can be followed to every region.
 *
 * <p>Spans end on every tier's threads, the edge agents' decision threads among them, so ending one
 * only queues it, without a lock. The indexes are built under this store's lock by the next reader,
 * or by an indexer thread every {@value #INDEX_EVERY_MS} ms. When every span end took that lock, a
 * profile of the demo showed decision threads waiting 13-27 ms for it, held by a thread the
 * scheduler had set aside on the two busy cores.
 */
final class TraceStore implements SpanProcessor {
  static final AttributeKey<String> DEVICE = AttributeKey.stringKey("fieldline.device_id");
  static final AttributeKey<Long> SEQ = AttributeKey.longKey("fieldline.seq");
  private static final long INDEX_EVERY_MS = 100;

  private final int maxSpans;
  private final LinkedHashMap<String, List<SpanData>> traces = new LinkedHashMap<>();
  private final Map<String, String> readings = new HashMap<>();
  private final Map<String, Set<String>> linkedFrom = new HashMap<>();
  private int spans;

  private final Queue<ReadableSpan> ended = new ConcurrentLinkedQueue<>();
  // Bounds the queue if the indexer falls behind: past maxSpans, new spans are dropped and counted.
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final ScheduledExecutorService indexer =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "trace-indexer");
            thread.setDaemon(true);
            return thread;
          });

  TraceStore(int maxSpans) {
    this.maxSpans = maxSpans;
    indexer.scheduleWithFixedDelay(
        this::index, INDEX_EVERY_MS, INDEX_EVERY_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (queued.incrementAndGet() > maxSpans) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      return;
    }
    ended.add(span);
  }

  /** Spans that ended while the indexer was {@code maxSpans} behind, and were not kept. */
  long dropped() {
    return dropped.get();
  }

  /** Readings whose trace is kept. */
  synchronized int readingsKept() {
    index();
    return readings.size();
  }

  private synchronized void index() {
    ReadableSpan next;
    while ((next = ended.poll()) != null) {
      queued.decrementAndGet();
      add(next.toSpanData());
    }
  }

  private void add(SpanData span) {
    traces.computeIfAbsent(span.getTraceId(), id -> new ArrayList<>()).add(span);
    spans++;
    String reading = readingKey(span);
    if (reading != null) {
      readings.put(reading, span.getTraceId());
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
      for (SpanData dropped : oldest.getValue()) {
        String key = readingKey(dropped);
        if (key != null) {
          readings.remove(key, oldest.getKey());
        }
      }
    }
  }

  /** "device|seq" for the span that received a reading at the edge; null for any other span. */
  private static String readingKey(SpanData span) {
    String device = span.getAttributes().get(DEVICE);
    Long seq = span.getAttributes().get(SEQ);
    return span.getName().equals("edge.receive") && device != null && seq != null
        ? device + "|" + seq
        : null;
  }

  /** The trace a reading started or continued; null when not traced or no longer kept. */
  synchronized String traceOf(String deviceId, long seq) {
    index();
    String trace = readings.get(deviceId + "|" + seq);
    return trace != null && traces.containsKey(trace) ? trace : null;
  }

  /** The spans of a trace, copied. */
  synchronized List<SpanData> spans(String traceId) {
    index();
    return new ArrayList<>(traces.getOrDefault(traceId, List.of()));
  }

  /** Traces with a span linking to {@code traceId}. */
  synchronized Set<String> linking(String traceId) {
    index();
    return new HashSet<>(linkedFrom.getOrDefault(traceId, Set.of()));
  }

  /** Some reading whose trace reached the given number of regions' global copies, or null. */
  synchronized String[] readingReaching(int regions) {
    index();
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
    indexer.shutdownNow();
    return CompletableResultCode.ofSuccess();
  }
}
