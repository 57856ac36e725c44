package dev.fieldline.regional.topology;

import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of the inputs: a summary's window end, a decision's time. Anything else keeps the
 * record's own timestamp.
 *
 * <p>An event time more than {@link #MAX_AHEAD_MS} ahead of the wall clock is not trusted: the
 * record keeps the partition's current time instead. Such a record must not drag stream time (and
 * so every window) forward, and brokers refuse timestamps too far in the future ({@code
 * log.message.timestamp.after.max.ms}, one hour by default) on the repartition and changelog
 * writes, which would stop the whole task. The dedup step dead-letters these summaries.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  static final long MAX_AHEAD_MS = 60_000;

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    long eventTime;
    if (record.value() instanceof ReceivedSummary received) {
      eventTime = received.summary().getWindowEnd().toEpochMilli();
    } else if (record.value() instanceof EdgeSummary summary) {
      eventTime = summary.getWindowEnd().toEpochMilli();
    } else if (record.value() instanceof DecisionEvent decision) {
      eventTime = decision.getDecidedAt().toEpochMilli();
    } else {
      eventTime = record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
    long now = System.currentTimeMillis();
    if (eventTime > now + MAX_AHEAD_MS) {
      return partitionTime >= 0 ? partitionTime : now;
    }
    return eventTime;
  }
}
