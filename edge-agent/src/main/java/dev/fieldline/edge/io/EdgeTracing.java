package dev.fieldline.edge.io;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.support.tracing.TraceParent;
import dev.fieldline.support.tracing.TracingSettings;
import dev.fieldline.support.tracing.WindowTraces;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The edge agent's spans. Per message: {@code edge.receive} (from receipt on Paho's thread; it
 * continues a device's {@code traceparent} user property, else starts the trace), {@code
 * edge.validate}, {@code edge.decide} and one {@code edge.command} per command, whose context goes
 * back to the device as a user property. Per closed window: {@code edge.summary}, a child of the
 * first traced reading in the window and linked to at most {@code max-links} others; its context
 * travels with the summary to Kafka. Used by the decision thread only. Off, every method returns at
 * once and nothing is parsed.
 */
public final class EdgeTracing {
  static final AttributeKey<String> TIER = AttributeKey.stringKey("fieldline.tier");
  static final AttributeKey<String> REGION = AttributeKey.stringKey("fieldline.region");
  static final AttributeKey<String> DEVICE = AttributeKey.stringKey("fieldline.device_id");
  static final AttributeKey<Long> SEQ = AttributeKey.longKey("fieldline.seq");
  static final AttributeKey<String> METRIC = AttributeKey.stringKey("fieldline.metric");

  private final boolean enabled;
  private final Tracer tracer;
  private final String region;
  private final String gatewayId;
  private final LongAdder malformed = new LongAdder();
  private final WindowTraces windows;

  public EdgeTracing(
      OpenTelemetry openTelemetry, TracingSettings settings, String gatewayId, String region) {
    this.enabled = settings.enabled;
    this.tracer = openTelemetry.getTracer("dev.fieldline.edge");
    this.region = region;
    this.gatewayId = gatewayId;
    this.windows = new WindowTraces(settings.maxLinks);
  }

  /** Tracing switched off: no spans, no parsing. */
  public static EdgeTracing off() {
    return new EdgeTracing(OpenTelemetry.noop(), new TracingSettings(), "", "");
  }

  public boolean enabled() {
    return enabled;
  }

  /** Device-supplied {@code traceparent} values that were malformed and ignored. */
  public long malformedTraceParents() {
    return malformed.sum();
  }

  /** Starts tracing one message; its spans end with {@link MessageTrace#close()}. */
  public MessageTrace begin(Inbound message) {
    if (!enabled) {
      return MessageTrace.NONE;
    }
    SpanContext parent = SpanContext.getInvalid();
    if (message.traceParent() != null) {
      parent = TraceParent.parse(message.traceParent());
      if (!parent.isValid()) {
        malformed.increment();
      }
    }
    long receivedEpochNanos =
        TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis())
            - (System.nanoTime() - message.receivedNanos());
    Span receive =
        tracer
            .spanBuilder("edge.receive")
            .setParent(TraceParent.asParent(parent))
            .setSpanKind(SpanKind.CONSUMER)
            .setStartTimestamp(receivedEpochNanos, TimeUnit.NANOSECONDS)
            .setAttribute(TIER, "edge")
            .setAttribute(REGION, region)
            .setAttribute("fieldline.gateway_id", gatewayId)
            .setAttribute("messaging.destination.name", message.topic())
            .setAttribute("fieldline.device_supplied_parent", parent.isValid())
            .startSpan();
    return new MessageTrace(this, receive);
  }

  /**
   * The closed window's {@code edge.summary} span (already ended), as the summary's trace context
   * for the journal ({@link TraceContextColumn}): its {@code traceparent} and the other readings'
   * it links to; null when no reading of the window was traced and its own trace is not sampled.
   */
  public String summarized(String deviceId, String metric, long windowStart, long readings) {
    if (!enabled) {
      return null;
    }
    SpanBuilder builder =
        tracer
            .spanBuilder("edge.summary")
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(TIER, "edge")
            .setAttribute(REGION, region)
            .setAttribute(DEVICE, deviceId)
            .setAttribute(METRIC, metric)
            .setAttribute("fieldline.window_start", windowStart)
            .setAttribute("fieldline.readings", readings);
    List<SpanContext> links = windows.closed(windowKey(deviceId, metric, windowStart), builder);
    Span span = builder.startSpan();
    span.end();
    return span.getSpanContext().isSampled()
        ? TraceContextColumn.encode(span.getSpanContext(), links)
        : null;
  }

  private void joined(AcceptedReading reading, SpanContext context) {
    windows.joined(windowKey(reading.deviceId(), reading.metric(), reading.windowStart()), context);
  }

  private static String windowKey(String deviceId, String metric, long windowStart) {
    return deviceId + '|' + metric + '|' + windowStart;
  }

  /** One message's spans, opened by {@link #begin} and closed when the message is handled. */
  public static class MessageTrace implements AutoCloseable {
    static final MessageTrace NONE = new MessageTrace(null, null);

    private final EdgeTracing tracing;
    private final Span receive;
    private final Scope scope;
    private Span validate;
    private Span decide;
    private int decisions;

    private MessageTrace(EdgeTracing tracing, Span receive) {
      this.tracing = tracing;
      this.receive = receive;
      if (receive != null) {
        this.scope = receive.makeCurrent();
        this.validate = child("edge.validate");
      } else {
        this.scope = null;
      }
    }

    private Span child(String name) {
      return tracing
          .tracer
          .spanBuilder(name)
          .setParent(io.opentelemetry.context.Context.current().with(receive))
          .setAttribute(TIER, "edge")
          .setAttribute(REGION, tracing.region)
          .startSpan();
    }

    /** The reading was refused by validation or a filter. */
    public void rejected(String reason) {
      if (validate != null) {
        validate.setAttribute("fieldline.outcome", "rejected");
        validate.setAttribute("fieldline.reason", reason);
        validate.end();
        validate = null;
      }
    }

    /** A metric of the reading was accepted into its window: validation is over, rules run. */
    public void accepted(AcceptedReading reading) {
      if (receive == null) {
        return;
      }
      if (validate != null) {
        validate.setAttribute("fieldline.outcome", "accepted");
        validate.end();
        validate = null;
        receive.setAttribute(DEVICE, reading.deviceId());
        receive.setAttribute(SEQ, reading.seq());
        decide = child("edge.decide");
      }
      tracing.joined(reading, receive.getSpanContext());
    }

    /** A rule fired; the decision event carries this context to Kafka. */
    public String decided(String ruleId) {
      if (decide == null) {
        return null;
      }
      decisions++;
      decide.setAttribute("fieldline.rule_id", ruleId);
      return TraceParent.format(decide.getSpanContext());
    }

    /** Starts the span of a command publish; the device gets its context. */
    public Span command(String topic) {
      if (receive == null) {
        return null;
      }
      return tracing
          .tracer
          .spanBuilder("edge.command")
          .setParent(
              io.opentelemetry.context.Context.current().with(decide != null ? decide : receive))
          .setSpanKind(SpanKind.PRODUCER)
          .setAttribute(TIER, "edge")
          .setAttribute(REGION, tracing.region)
          .setAttribute("messaging.destination.name", topic)
          .startSpan();
    }

    @Override
    public void close() {
      if (receive == null) {
        return;
      }
      if (validate != null) {
        validate.end();
      }
      if (decide != null) {
        decide.setAttribute("fieldline.decisions", decisions);
        decide.end();
      }
      receive.end();
      scope.close();
    }
  }
}
