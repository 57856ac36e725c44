package dev.fieldline.regional.topology;

import dev.fieldline.support.tracing.TraceParent;
import dev.fieldline.support.tracing.TracingSettings;
import dev.fieldline.support.tracing.WindowTraces;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The aggregator's spans: one {@code regional.rollup} per emitted window, a child of the first
 * traced summary that went into it (so that summary's trace, and its reading's, runs on) and linked
 * to the others; its context leaves with the aggregate, in the {@code traceparent} header of both
 * {@code regional.aggregates} and {@code regional.export}, the other summaries' in its {@code
 * fieldline.trace-links} header. One instance per roll-up task. Off, it reads no header and makes
 * no span.
 */
public final class RegionalTracing {
  private final boolean enabled;
  private final Tracer tracer;
  private final String region;
  private final WindowTraces windows;

  public RegionalTracing(OpenTelemetry openTelemetry, TracingSettings settings, String region) {
    this.enabled = settings.enabled;
    this.tracer = openTelemetry.getTracer("dev.fieldline.regional");
    this.region = region;
    this.windows = new WindowTraces(settings.maxLinks);
  }

  /** Tracing switched off. */
  public static RegionalTracing off() {
    return new RegionalTracing(OpenTelemetry.noop(), new TracingSettings(), "");
  }

  /** A summary with these headers joined {@code window}. */
  void joined(String window, Headers headers) {
    if (!enabled) {
      return;
    }
    Header header = headers.lastHeader(TraceParent.NAME);
    if (header != null) {
      windows.joined(window, TraceParent.parse(header.value()));
    }
  }

  /** The closed window's span, ended, and its context as the outgoing record's header. */
  void emitted(String window, String scopeKey, long windowStart, long summaries, Headers outgoing) {
    if (!enabled) {
      return;
    }
    SpanBuilder builder =
        tracer
            .spanBuilder("regional.rollup")
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute("fieldline.tier", "regional")
            .setAttribute("fieldline.region", region)
            .setAttribute("fieldline.scope_key", scopeKey)
            .setAttribute("fieldline.window_start", windowStart)
            .setAttribute("fieldline.summaries", summaries);
    List<SpanContext> links = windows.closed(window, builder);
    Span span = builder.startSpan();
    span.end();
    if (span.getSpanContext().isSampled()) {
      outgoing.add(
          TraceParent.NAME,
          TraceParent.format(span.getSpanContext()).getBytes(StandardCharsets.US_ASCII));
      if (!links.isEmpty()) {
        outgoing.add(
            TraceParent.LINKS_HEADER,
            links.stream()
                .map(TraceParent::format)
                .collect(Collectors.joining(","))
                .getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
