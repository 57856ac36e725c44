package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.support.tracing.TraceParent;
import dev.fieldline.support.tracing.TracingSettings;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EdgeTracingTest {
  private static final String DEVICE_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String DEVICE_SPAN = "00f067aa0ba902b7";
  private static final String DEVICE_PARENT = "00-" + DEVICE_TRACE + "-" + DEVICE_SPAN + "-01";

  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final EdgeTracing tracing = tracing(Sampler.alwaysOn());

  private EdgeTracing tracing(Sampler sampler) {
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(sampler)
                    .addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    TracingSettings settings = new TracingSettings();
    settings.enabled = true;
    return new EdgeTracing(sdk, settings, "gw-1", "eu-west");
  }

  private static Inbound message(String traceParent) {
    return new Inbound(
        "sites/s1/devices/d1/telemetry",
        "{}".getBytes(StandardCharsets.UTF_8),
        1,
        1,
        1,
        System.nanoTime(),
        traceParent);
  }

  private static AcceptedReading reading(long seq) {
    return new AcceptedReading("s1", "d1", "chiller", "temperature", 4.0, 1_000L, seq, 0L);
  }

  @Test
  void shouldContinueADeviceSuppliedTraceParentNotReplaceIt() {
    try (EdgeTracing.MessageTrace trace = tracing.begin(message(DEVICE_PARENT))) {
      trace.accepted(reading(7));
      trace.decided("hot");
      trace.command("sites/s1/devices/d1/commands").end();
    }

    Map<String, SpanData> spans = byName();
    SpanData receive = spans.get("edge.receive");
    assertThat(receive.getTraceId()).isEqualTo(DEVICE_TRACE);
    assertThat(receive.getParentSpanId()).isEqualTo(DEVICE_SPAN);
    for (String child : List.of("edge.validate", "edge.decide")) {
      assertThat(spans.get(child).getParentSpanId()).as(child).isEqualTo(receive.getSpanId());
    }
    assertThat(spans.get("edge.command").getParentSpanId())
        .isEqualTo(spans.get("edge.decide").getSpanId());
    assertThat(tracing.malformedTraceParents()).isZero();
  }

  @Test
  void shouldIgnoreAMalformedTraceParentWithACounterAndStartItsOwnTrace() {
    try (EdgeTracing.MessageTrace trace = tracing.begin(message("00-not-a-trace-01"))) {
      trace.accepted(reading(1));
    }

    SpanData receive = byName().get("edge.receive");
    assertThat(tracing.malformedTraceParents()).isEqualTo(1);
    assertThat(receive.getParentSpanContext().isValid()).isFalse();
    assertThat(receive.getTraceId()).isNotEqualTo(DEVICE_TRACE);
  }

  @Test
  void shouldMakeTheSummaryAChildOfTheWindowsFirstReadingAndLinkTheRest() {
    SpanContext first;
    try (EdgeTracing.MessageTrace trace = tracing.begin(message(DEVICE_PARENT))) {
      trace.accepted(reading(1));
    }
    first = byName().get("edge.receive").getSpanContext();
    try (EdgeTracing.MessageTrace trace = tracing.begin(message(null))) {
      trace.accepted(reading(2));
    }
    SpanContext second = byName().get("edge.receive").getSpanContext();

    String column = tracing.summarized("d1", "temperature", 0L, 2);
    RecordHeaders headers = new RecordHeaders();
    TraceContextColumn.addHeaders(column, headers);

    SpanData summary = byName().get("edge.summary");
    assertThat(summary.getParentSpanId()).isEqualTo(first.getSpanId());
    assertThat(summary.getTraceId()).isEqualTo(DEVICE_TRACE);
    assertThat(summary.getLinks()).hasSize(1);
    assertThat(TraceParent.parse(headers.lastHeader(TraceParent.NAME).value()).getSpanId())
        .isEqualTo(summary.getSpanId());
    assertThat(TraceParent.parse(headers.lastHeader(TraceParent.LINKS_HEADER).value()).getSpanId())
        .isEqualTo(second.getSpanId());
  }

  @Test
  void shouldMakeNoSpanAndReadNothingWhenOff() {
    EdgeTracing off = EdgeTracing.off();
    try (EdgeTracing.MessageTrace trace = off.begin(message(DEVICE_PARENT))) {
      trace.accepted(reading(1));
      assertThat(trace.decided("hot")).isNull();
      assertThat(trace.command("t")).isNull();
    }

    assertThat(off.summarized("d1", "temperature", 0L, 1)).isNull();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void shouldSendNoHeaderForAnUnsampledWindow() {
    EdgeTracing never = tracing(Sampler.alwaysOff());
    try (EdgeTracing.MessageTrace trace = never.begin(message(null))) {
      trace.accepted(reading(1));
    }

    assertThat(never.summarized("d1", "temperature", 0L, 1)).isNull();
  }

  private Map<String, SpanData> byName() {
    return exported.getFinishedSpanItems().stream()
        .collect(Collectors.toMap(SpanData::getName, Function.identity(), (a, b) -> b));
  }
}
