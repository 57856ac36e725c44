package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.v1.EdgeSummary;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Lets each edge summary through once per natural key (gateway, device, metric, window start),
 * however often the edge re-sends it after a retry or a restart, and rejects summaries from the
 * future (an edge whose clock runs far ahead would otherwise hold every window open). Keys are
 * remembered in a window store for the configured retention, which must cover the edge's longest
 * replay.
 *
 * <p>Input is keyed by deviceId, so every copy of a summary reaches the same task. The store holds
 * every key seen; {@link NewestWindowStarts} only spares it a read for the summary that is newer
 * than all its key's earlier ones (nearly all of them). That cache is filled from the store and
 * emptied whenever the task (re)initializes, so after an aborted transaction or a move it never
 * knows more than the restored store.
 */
final class DedupProcessor implements Processor<String, ReceivedSummary, String, Screened> {
  static final String STORE = "summary-dedup";

  private final RegionalCounters counters;
  private final long maxFutureSkew;
  private ProcessorContext<String, Screened> context;
  private WindowStore<String, Long> seen;
  private final NewestWindowStarts newest =
      new NewestWindowStarts(NewestWindowStarts.DEFAULT_CAPACITY);

  DedupProcessor(RegionalSettings settings, RegionalCounters counters) {
    this.counters = counters;
    this.maxFutureSkew = settings.maxFutureSkew().toMillis();
  }

  @Override
  public void init(ProcessorContext<String, Screened> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
    this.newest.clear();
  }

  @Override
  public void close() {
    newest.clear();
  }

  @Override
  public void process(Record<String, ReceivedSummary> record) {
    if (record.value() == null) {
      return;
    }
    EdgeSummary summary = record.value().summary();
    stampSource(record);
    long now = context.currentSystemTimeMs();
    if (summary.getWindowEnd().toEpochMilli() > now + maxFutureSkew) {
      counters.futureSummaries.increment();
      String detail =
          "window end "
              + summary.getWindowEnd()
              + " is more than "
              + java.time.Duration.ofMillis(maxFutureSkew)
              + " ahead of this instance's clock (edge clock skew?)";
      context.forward(
          record.withValue(
              Screened.rejected(new RejectedSummary(record.value(), DeadLetters.FUTURE, detail))));
      return;
    }
    String key = naturalKey(summary);
    long windowStart = summary.getWindowStart().toEpochMilli();
    if (windowStart <= newestStart(key, windowStart) && seen.fetch(key, windowStart) != null) {
      counters.duplicates.increment();
      return;
    }
    seen.put(key, summary.getStats().getCount(), windowStart);
    newest.seen(key, windowStart);
    counters.summariesIn.increment();
    counters.readingsMissing.add(summary.getMissingCount());
    context.forward(record.withValue(Screened.accepted(record.value())));
  }

  /**
   * The newest window start in the store for {@code key} if it is at or after {@code windowStart},
   * else a start before {@code windowStart}; read once, then kept in the cache. Enough to tell
   * whether {@code windowStart} may have been seen, and the cache stays exact: when the store holds
   * nothing from {@code windowStart} on, the summary at hand is new and becomes the key's newest.
   * Reading only from {@code windowStart} on touches the newest segments of the store alone (a
   * fetch over all time opened an iterator on every segment: 5% of the stream thread, for keys the
   * cache did not hold yet).
   */
  private long newestStart(String key, long windowStart) {
    Long cached = newest.get(key);
    if (cached != null) {
      return cached;
    }
    long start = Long.MIN_VALUE;
    try (WindowStoreIterator<Long> latest = seen.backwardFetch(key, windowStart, Long.MAX_VALUE)) {
      if (latest.hasNext()) {
        start = latest.next().key;
        newest.seen(key, start);
      }
    }
    return start;
  }

  /** After repartitioning, a dead letter must still name where its summary came from. */
  private void stampSource(Record<String, ReceivedSummary> record) {
    context
        .recordMetadata()
        .ifPresent(
            source ->
                SourceHeaders.stamp(
                    record.headers(), source.topic(), source.partition(), source.offset()));
  }

  static String naturalKey(EdgeSummary summary) {
    return summary.getGatewayId() + "|" + summary.getDeviceId() + "|" + summary.getMetric();
  }
}
