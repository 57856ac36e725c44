package dev.fieldline.global.job;

import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Writes an {@link Outbound} as it is: topic, key, value, timestamp and the job's headers. */
final class OutboundSerializer implements KafkaRecordSerializationSchema<Outbound> {
  private static final long serialVersionUID = 1L;

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      Outbound out, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    if (out.originRegion != null) {
      headers.add(Topics.ORIGIN_REGION_HEADER, bytes(out.originRegion));
    }
    if (out.isDeadLetter()) {
      DeadLetters.headers(
              null,
              out.deadLetterReason,
              out.deadLetterError,
              out.sourceTopic,
              out.sourcePartition,
              out.sourceOffset)
          .forEach(headers::add);
    }
    return new ProducerRecord<>(
        out.topic,
        null,
        out.timestamp,
        out.key == null ? null : bytes(out.key),
        out.value,
        headers);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
