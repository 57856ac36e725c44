package dev.fieldline.support.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.logging.log4j.core.util.ContextDataProvider;

/**
 * Puts a correlation id into every log event's context data (Log4j's MDC), on every thread, library
 * threads included: the trace id of the span current on that thread, so that a log line written
 * while handling a traced reading, summary or aggregate carries the id its trace carries; otherwise
 * the process's own id ({@code proc-...}), so that no line is without one. {@code trace_id} and
 * {@code span_id} are there too while a span is current. Registered through {@code
 * META-INF/services}; patterns use {@code %X{correlation_id}}.
 */
public final class CorrelationContextData implements ContextDataProvider {
  /** The process's correlation id: {@code fieldline.correlation-id} or a new one per process. */
  public static final String PROCESS_ID =
      System.getProperty(
          "fieldline.correlation-id", "proc-" + UUID.randomUUID().toString().substring(0, 8));

  @Override
  public Map<String, String> supplyContextData() {
    Map<String, String> data = new HashMap<>(4);
    SpanContext span = Span.current().getSpanContext();
    if (span.isValid()) {
      data.put("correlation_id", span.getTraceId());
      data.put("trace_id", span.getTraceId());
      data.put("span_id", span.getSpanId());
    } else {
      data.put("correlation_id", PROCESS_ID);
    }
    return data;
  }
}
