package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns a rejected summary back into a dead letter of {@code edge.summaries}: its original key and
 * the bytes it arrived in, with the reason and its original topic, partition and offset in headers.
 */
final class SummaryDeadLetters implements Processor<String, RejectedSummary, String, byte[]> {
  private ProcessorContext<String, byte[]> context;

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, RejectedSummary> record) {
    EdgeSummary summary = record.value().received().summary();
    var headers =
        DeadLetters.headers(
            record.headers(),
            record.value().reason(),
            record.value().detail(),
            SourceHeaders.topic(record.headers(), Topics.EDGE_SUMMARIES.name()),
            SourceHeaders.partition(record.headers()),
            SourceHeaders.offset(record.headers()));
    SourceHeaders.strip(headers);
    context.forward(
        new Record<>(
            summary.getDeviceId(),
            record.value().received().encoded(),
            record.timestamp(),
            headers));
  }
}
