package dev.fieldline.support.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds a service's OpenTelemetry from its {@link TracingSettings}: W3C trace context, a
 * parent-based ratio sampler, and an OTLP/HTTP exporter (the JDK's HTTP client, no OkHttp) behind a
 * batch processor when an endpoint is set. Disabled settings give the no-op instance.
 */
public final class Telemetry {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private Telemetry() {}

  public static OpenTelemetry create(String serviceName, TracingSettings settings) {
    if (!settings.enabled) {
      return OpenTelemetry.noop();
    }
    List<SpanProcessor> processors = new ArrayList<>();
    if (!settings.otlpEndpoint.isBlank()) {
      processors.add(
          BatchSpanProcessor.builder(
                  OtlpHttpSpanExporter.builder()
                      .setEndpoint(settings.otlpEndpoint.replaceAll("/+$", "") + "/v1/traces")
                      .setTimeout(10, TimeUnit.SECONDS)
                      .build())
              .build());
    }
    return create(serviceName, settings.sampleRatio, processors);
  }

  /**
   * An SDK with W3C trace context and a parent-based ratio sampler (a trace that comes with a
   * parent keeps the parent's decision), whose ended spans go to {@code processors}.
   */
  public static OpenTelemetrySdk create(
      String serviceName, double sampleRatio, List<SpanProcessor> processors) {
    SdkTracerProviderBuilder tracers =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(sampleRatio)));
    processors.forEach(tracers::addSpanProcessor);
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracers.build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /** Flushes and stops an SDK instance; nothing for the no-op one. */
  public static void close(OpenTelemetry openTelemetry) {
    if (openTelemetry instanceof OpenTelemetrySdk sdk) {
      sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
      sdk.close();
    }
  }
}
