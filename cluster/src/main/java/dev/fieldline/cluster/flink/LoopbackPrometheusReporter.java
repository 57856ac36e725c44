package dev.fieldline.cluster.flink;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

/**
 * Flink's Prometheus reporter, listening on one address instead of every interface: Flink's own
 * {@code PrometheusReporter} has no host option and binds the wildcard address, which a process on
 * a shared machine (and every server this module starts) must not. The metrics are Flink's own
 * ({@link AbstractPrometheusReporter}); only the HTTP endpoint differs.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
  private HTTPServer server;

  @Override
  public void open(MetricConfig config) {
    super.open(config);
    String host = config.getString("host", "127.0.0.1");
    int port = config.getInteger("port", 9249);
    try {
      server = new HTTPServer(new InetSocketAddress(host, port), registry(), true);
      log.info("Prometheus metrics on http://{}:{}/metrics", host, port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port, e);
    }
  }

  /** The registry the base class fills; it keeps it to itself (package-private). */
  private CollectorRegistry registry() {
    try {
      var field = AbstractPrometheusReporter.class.getDeclaredField("registry");
      field.setAccessible(true);
      return (CollectorRegistry) field.get(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Flink version's Prometheus reporter changed", e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
    super.close();
  }
}
