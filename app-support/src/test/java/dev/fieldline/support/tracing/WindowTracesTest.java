package dev.fieldline.support.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;

class WindowTracesTest {
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final SdkTracerProvider tracers =
      SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build();

  @Test
  void shouldParentTheOutputOnTheFirstInputAndLinkTheOthersUpToTheLimit() {
    WindowTraces windows = new WindowTraces(2);
    Span first = input();
    Span second = input();
    Span third = input();
    Span fourth = input();
    for (Span span : new Span[] {first, second, first, third, fourth}) {
      windows.joined("w1", span.getSpanContext());
    }

    var builder = tracers.get("test").spanBuilder("output");
    assertThat(windows.closed("w1", builder)).hasSize(2);
    builder.startSpan().end();

    SpanData output =
        exported.getFinishedSpanItems().get(exported.getFinishedSpanItems().size() - 1);
    assertThat(output.getParentSpanId()).isEqualTo(first.getSpanContext().getSpanId());
    assertThat(output.getTraceId()).isEqualTo(first.getSpanContext().getTraceId());
    assertThat(output.getLinks())
        .extracting(link -> link.getSpanContext().getSpanId())
        .containsExactly(second.getSpanContext().getSpanId(), third.getSpanContext().getSpanId());
    assertThat(windows.open()).isZero();
  }

  @Test
  void shouldStartANewTraceForAWindowWithoutTracedInputs() {
    WindowTraces windows = new WindowTraces(4);
    var builder = tracers.get("test").spanBuilder("output");

    assertThat(windows.closed("never-joined", builder)).isEmpty();
    builder.startSpan().end();

    assertThat(exported.getFinishedSpanItems().get(0).getParentSpanContext().isValid()).isFalse();
  }

  private Span input() {
    Span span = tracers.get("test").spanBuilder("input").setNoParent().startSpan();
    span.end();
    return span;
  }
}
