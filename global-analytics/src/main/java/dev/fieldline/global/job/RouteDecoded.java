package dev.fieldline.global.job;

import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.global.model.InboundRecord;
import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.Topics;
import dev.fieldline.support.tracing.SharedTelemetry;
import dev.fieldline.support.tracing.TraceParent;
import dev.fieldline.support.tracing.TracingSettings;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits one region's input: decoded aggregates go on, dead letters go to the side output bound for
 * that region's {@code regional.export.dlq}. Counts both, and tracks how fresh the region's data
 * is, under the metric group {@code region=<name>}.
 */
final class RouteDecoded extends ProcessFunction<InboundRecord, ExportedAggregate> {
  private static final long serialVersionUID = 1L;

  static final OutputTag<Outbound> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
  static final OutputTag<Outbound> REPLICAS = new OutputTag<>("replicas") {};

  private final String region;
  private final TracingSettings tracing;
  private transient Tracer tracer;
  private transient Counter decoded;
  private transient Counter deadLettered;
  private transient volatile long newestWindowEnd;

  RouteDecoded(String region, TracingSettings tracing) {
    this.region = region;
    this.tracing = tracing;
  }

  @Override
  public void open(OpenContext context) {
    var group = getRuntimeContext().getMetricGroup().addGroup("region", region);
    if (tracing.enabled) {
      tracer = SharedTelemetry.get("fieldline-global", tracing).getTracer("dev.fieldline.global");
    }
    decoded = group.counter("exportsDecoded");
    deadLettered = group.counter("exportsDeadLettered");
    newestWindowEnd = Long.MIN_VALUE;
    // How far behind the wall clock the region's newest aggregate is: window, grace and transport.
    group.gauge(
        "exportFreshnessMs",
        () ->
            newestWindowEnd == Long.MIN_VALUE ? -1L : System.currentTimeMillis() - newestWindowEnd);
  }

  @Override
  public void processElement(InboundRecord in, Context context, Collector<ExportedAggregate> out) {
    if (in.isDeadLetter()) {
      deadLettered.inc();
      context.output(DEAD_LETTERS, deadLetter(in));
      return;
    }
    decoded.inc();
    if (in.aggregate.windowEnd > newestWindowEnd) {
      newestWindowEnd = in.aggregate.windowEnd;
    }
    Outbound replica = replica(in);
    if (tracer != null && in.traceParent != null) {
      replica.traceParent = received(in);
    }
    context.output(REPLICAS, replica);
    if (in.aggregate.isDeviceTypeScope()) {
      out.collect(in.aggregate);
    }
  }

  /** The {@code global.receive} span of a traced export, ended; its context for the replicas. */
  private String received(InboundRecord in) {
    Span span =
        tracer
            .spanBuilder("global.receive")
            .setParent(TraceParent.asParent(TraceParent.parse(in.traceParent)))
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute("fieldline.tier", "global")
            .setAttribute("fieldline.region", region)
            .setAttribute("fieldline.scope_key", in.key)
            .startSpan();
    span.end();
    return span.getSpanContext().isSampled() ? TraceParent.format(span.getSpanContext()) : null;
  }

  static Outbound replica(InboundRecord in) {
    Outbound out = Outbound.of(Topics.GLOBAL_AGGREGATES.name(), in.key, in.value, in.timestamp);
    out.originRegion = in.aggregate.originRegion;
    return out;
  }

  static Outbound deadLetter(InboundRecord in) {
    Outbound out =
        Outbound.of(Topics.REGIONAL_EXPORT.deadLetterTopic(), in.key, in.value, in.timestamp);
    out.deadLetterReason = in.reason;
    out.deadLetterError = in.error;
    out.sourceTopic = in.topic;
    out.sourcePartition = in.partition;
    out.sourceOffset = in.offset;
    return out;
  }
}
