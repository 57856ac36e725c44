package dev.fieldline.cluster.flink;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * {@code metrics.reporter.prom.factory.class} for {@link LoopbackPrometheusReporter}; its options
 * are {@code metrics.reporter.prom.host} (default 127.0.0.1) and {@code .port}.
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new LoopbackPrometheusReporter();
  }
}
