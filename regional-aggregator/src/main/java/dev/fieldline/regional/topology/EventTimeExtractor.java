package dev.fieldline.regional.topology;

import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of the inputs: a summary's window end, a decision's time. Anything else keeps the
 * record's own timestamp.
 */
public final class EventTimeExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof EdgeSummary summary) {
      return summary.getWindowEnd().toEpochMilli();
    }
    if (record.value() instanceof DecisionEvent decision) {
      return decision.getDecidedAt().toEpochMilli();
    }
    return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
  }
}
