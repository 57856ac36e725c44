package dev.fieldline.global.job;

import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.Topics;
import dev.fieldline.support.tracing.SharedTelemetry;
import dev.fieldline.support.tracing.TraceParent;
import dev.fieldline.support.tracing.TracingSettings;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes an {@link Outbound} as it is: topic, key, value, timestamp and the job's headers. A
 * replication sink ({@link #replicating}) also continues a traced record's trace with a {@code
 * global.replicate} span whose context becomes the copy's {@code traceparent} header.
 */
final class OutboundSerializer implements KafkaRecordSerializationSchema<Outbound> {
  private static final long serialVersionUID = 1L;

  private final String from;
  private final String to;
  private final TracingSettings tracing;
  private transient Tracer tracer;

  OutboundSerializer() {
    this(null, null, null);
  }

  private OutboundSerializer(String from, String to, TracingSettings tracing) {
    this.from = from;
    this.to = to;
    this.tracing = tracing;
  }

  /**
   * The serializer of the sink that copies region {@code from}'s exports into region {@code to}.
   */
  static OutboundSerializer replicating(String from, String to, TracingSettings tracing) {
    return new OutboundSerializer(from, to, tracing);
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    if (tracing != null && tracing.enabled) {
      tracer = SharedTelemetry.get("fieldline-global", tracing).getTracer("dev.fieldline.global");
    }
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      Outbound out, KafkaSinkContext context, Long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    if (out.originRegion != null) {
      headers.add(Topics.ORIGIN_REGION_HEADER, bytes(out.originRegion));
    }
    if (tracer != null && out.traceParent != null) {
      Span span =
          tracer
              .spanBuilder("global.replicate")
              .setParent(TraceParent.asParent(TraceParent.parse(out.traceParent)))
              .setSpanKind(SpanKind.PRODUCER)
              .setAttribute("fieldline.tier", "global")
              .setAttribute("fieldline.region", to)
              .setAttribute("fieldline.from_region", from)
              .setAttribute("messaging.destination.name", out.topic)
              .startSpan();
      span.end();
      if (span.getSpanContext().isSampled()) {
        headers.add(TraceParent.NAME, bytes(TraceParent.format(span.getSpanContext())));
      }
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
