package dev.fieldline.regional.topology;

import dev.fieldline.schema.v1.EdgeSummary;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Lets each edge summary through once per natural key (gateway, device, metric, window start),
 * however often the edge re-sends it after a retry or a restart. Keys are remembered in a window
 * store for the configured retention, which must cover the edge's longest replay.
 *
 * <p>Input is keyed by deviceId, so every copy of a summary reaches the same task.
 */
final class DedupProcessor implements Processor<String, EdgeSummary, String, EdgeSummary> {
  static final String STORE = "summary-dedup";

  private final RegionalCounters counters;
  private ProcessorContext<String, EdgeSummary> context;
  private WindowStore<String, Long> seen;

  DedupProcessor(RegionalCounters counters) {
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, EdgeSummary> context) {
    this.context = context;
    this.seen = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, EdgeSummary> record) {
    EdgeSummary summary = record.value();
    if (summary == null) {
      return;
    }
    String key = naturalKey(summary);
    long windowStart = summary.getWindowStart().toEpochMilli();
    try (WindowStoreIterator<Long> copies = seen.fetch(key, windowStart, windowStart)) {
      if (copies.hasNext()) {
        counters.duplicates.increment();
        return;
      }
    }
    seen.put(key, summary.getStats().getCount(), windowStart);
    counters.summariesIn.increment();
    // Remember where the summary came from: after repartitioning, a dead letter must still name it.
    context
        .recordMetadata()
        .ifPresent(
            source ->
                SourceHeaders.stamp(
                    record.headers(), source.topic(), source.partition(), source.offset()));
    context.forward(record);
  }

  static String naturalKey(EdgeSummary summary) {
    return summary.getGatewayId() + "|" + summary.getDeviceId() + "|" + summary.getMetric();
  }
}
