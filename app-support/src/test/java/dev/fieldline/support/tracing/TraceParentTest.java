package dev.fieldline.support.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import org.junit.jupiter.api.Test;

class TraceParentTest {
  private static final String VALID = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @Test
  void shouldReadAndWriteTheW3cFormat() {
    SpanContext context = TraceParent.parse(VALID);

    assertThat(context.isValid()).isTrue();
    assertThat(context.isSampled()).isTrue();
    assertThat(context.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(context.getSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(TraceParent.format(context)).isEqualTo(VALID);
  }

  @Test
  void shouldTreatMalformedValuesAsNoContextWithoutThrowing() {
    for (String bad :
        new String[] {
          "",
          "garbage",
          "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
          "00-00000000000000000000000000000000-b7ad6b7169203331-01",
          "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
          "zz-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
          "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01x"
        }) {
      assertThat(TraceParent.parse(bad).isValid()).as(bad).isFalse();
    }
    assertThat(TraceParent.parse((String) null).isValid()).isFalse();
    assertThat(TraceParent.format(SpanContext.getInvalid())).isNull();
  }
}
