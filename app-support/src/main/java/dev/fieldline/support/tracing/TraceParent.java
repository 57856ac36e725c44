package dev.fieldline.support.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The W3C {@code traceparent} value as it travels between tiers: an MQTT 5 user property, a Kafka
 * header, a field of a journaled or streamed record. Parsing goes through OpenTelemetry's own
 * propagator, so what it accepts and refuses is the specification's.
 */
public final class TraceParent {
  /** The header and user-property name, as the W3C specification spells it. */
  public static final String NAME = "traceparent";

  /**
   * The Kafka header with the {@code traceparent} values of the other traced inputs a record
   * summarizes (comma-separated, at most {@code tracing.max-links}): the record's own trace
   * continues only its first input's.
   */
  public static final String LINKS_HEADER = "fieldline.trace-links";

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<String> ONE_VALUE =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of(NAME);
        }

        @Override
        public String get(String carrier, String key) {
          return NAME.equals(key) ? carrier : null;
        }
      };

  private static final TextMapSetter<String[]> INTO_ARRAY =
      (carrier, key, value) -> {
        if (NAME.equals(key) && carrier != null) {
          carrier[0] = value;
        }
      };

  private TraceParent() {}

  /** The span context a {@code traceparent} value names; invalid when the value is malformed. */
  public static SpanContext parse(String value) {
    if (value == null || value.isEmpty()) {
      return SpanContext.getInvalid();
    }
    return Span.fromContext(W3C.extract(Context.root(), value, ONE_VALUE)).getSpanContext();
  }

  /** The span context a header's bytes name; invalid when absent or malformed. */
  public static SpanContext parse(byte[] value) {
    return value == null
        ? SpanContext.getInvalid()
        : parse(new String(value, StandardCharsets.UTF_8));
  }

  /** The {@code traceparent} value of a span context; null for an invalid one. */
  public static String format(SpanContext context) {
    if (context == null || !context.isValid()) {
      return null;
    }
    String[] out = new String[1];
    W3C.inject(Context.root().with(Span.wrap(context)), out, INTO_ARRAY);
    return out[0];
  }

  /** A context whose parent is {@code parent}, for starting a child span. */
  public static Context asParent(SpanContext parent) {
    return parent == null || !parent.isValid()
        ? Context.root()
        : Context.root().with(Span.wrap(parent));
  }
}
