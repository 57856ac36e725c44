package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TraceStoreTest {
  private TraceStore store;
  private SdkTracerProvider provider;
  private Tracer tracer;

  private void open(int maxSpans) {
    store = new TraceStore(maxSpans);
    provider = SdkTracerProvider.builder().addSpanProcessor(store).build();
    tracer = provider.get("test");
  }

  @AfterEach
  void close() {
    provider.close();
  }

  @Test
  void shouldFindAReadingsTraceAsSoonAsItsSpanEnded() {
    open(100);
    Span receive = receive("dev-1", 7);
    receive.end();

    String trace = store.traceOf("dev-1", 7);

    assertThat(trace).isEqualTo(receive.getSpanContext().getTraceId());
    assertThat(store.spans(trace)).hasSize(1);
    assertThat(store.traceOf("dev-1", 8)).isNull();
  }

  @Test
  void shouldForgetTheReadingsOfTracesDroppedForSpace() {
    open(2);
    for (int seq = 1; seq <= 3; seq++) {
      receive("dev-1", seq).end();
      assertThat(store.traceOf("dev-1", seq)).isNotNull();
    }

    assertThat(store.traceOf("dev-1", 1)).isNull();
    assertThat(store.readingsKept()).isEqualTo(2);
    assertThat(store.traceOf("dev-1", 2)).isNotNull();
    assertThat(store.traceOf("dev-1", 3)).isNotNull();
  }

  @Test
  void shouldEndSpansWithoutWaitingForAReaderHoldingTheStore() throws Exception {
    open(3);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // A reader that keeps the store's lock, as a long scan or a descheduled thread does.
    CompletableFuture<Void> reader =
        CompletableFuture.runAsync(
            () -> {
              synchronized (store) {
                held.countDown();
                await(release);
              }
            });
    assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> ending =
        CompletableFuture.runAsync(
            () -> {
              for (int seq = 1; seq <= 5; seq++) {
                receive("dev-2", seq).end();
              }
            });

    // Five span ends while the lock is held: none waits; past the bound the spans are dropped.
    ending.get(5, TimeUnit.SECONDS);
    release.countDown();
    reader.get(5, TimeUnit.SECONDS);
    assertThat(store.dropped()).isEqualTo(2);
    assertThat(store.traceOf("dev-2", 3)).isNotNull();
    assertThat(store.traceOf("dev-2", 4)).isNull();
  }

  private Span receive(String device, long seq) {
    return tracer
        .spanBuilder("edge.receive")
        .setAttribute(TraceStore.DEVICE, device)
        .setAttribute(TraceStore.SEQ, seq)
        .startSpan();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
