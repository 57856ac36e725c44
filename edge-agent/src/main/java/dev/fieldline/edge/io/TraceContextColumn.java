package dev.fieldline.edge.io;

import dev.fieldline.support.tracing.TraceParent;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Headers;

/**
 * A journaled record's trace context in one text column: its own {@code traceparent}, then the
 * {@code traceparent} of each input it links to, separated by spaces (a W3C value has none). On the
 * way to Kafka the first becomes the {@code traceparent} header and the rest the {@code
 * fieldline.trace-links} header.
 */
final class TraceContextColumn {
  private TraceContextColumn() {}

  static String encode(SpanContext own, List<SpanContext> links) {
    StringBuilder text = new StringBuilder(TraceParent.format(own));
    for (SpanContext link : links) {
      String value = TraceParent.format(link);
      if (value != null) {
        text.append(' ').append(value);
      }
    }
    return text.toString();
  }

  /** Adds the column's headers to a Kafka record; nothing for null. */
  static void addHeaders(String column, Headers headers) {
    if (column == null || column.isEmpty()) {
      return;
    }
    String[] values = column.split(" ");
    headers.add(TraceParent.NAME, values[0].getBytes(StandardCharsets.US_ASCII));
    if (values.length > 1) {
      headers.add(
          TraceParent.LINKS_HEADER,
          String.join(",", List.of(values).subList(1, values.length))
              .getBytes(StandardCharsets.US_ASCII));
    }
  }
}
