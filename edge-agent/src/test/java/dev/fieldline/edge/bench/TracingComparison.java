package dev.fieldline.edge.bench;

import com.sun.net.httpserver.HttpServer;
import dev.fieldline.edge.io.NoDelaySocketFactory;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import javax.net.SocketFactory;

/**
 * {@code bench/edge-latency --tracing}: what tracing costs the decision path. Three agents on one
 * broker ({@link AgentVariants}): tracing off, 1% of readings sampled, every reading sampled; the
 * sampled spans are exported over OTLP/HTTP to a local sink that accepts and drops them, so the
 * export's own work is in the measurement.
 */
final class TracingComparison {
  private TracingComparison() {}

  static String run(Path work, String bootstrap, int rate, double seconds) throws Exception {
    Path dir = Files.createDirectories(work.resolve("tracing"));
    LongAdder exports = new LongAdder();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
          }
          exports.increment();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort();
    SocketFactory sockets = new NoDelaySocketFactory();
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      List<AgentVariants.Result> results =
          AgentVariants.measure(
              dir,
              bootstrap,
              List.of(
                  new AgentVariants.Variant("off", broker.serverUri(), sockets, List.of()),
                  new AgentVariants.Variant(
                      "sampled-1pct", broker.serverUri(), sockets, traced(0.01, endpoint)),
                  new AgentVariants.Variant(
                      "sampled-all", broker.serverUri(), sockets, traced(1.0, endpoint))),
              rate,
              seconds);
      System.out.printf("OTLP export requests received by the local sink: %d%n", exports.sum());
      return String.format(
          "tracing_off_p50_us=%d tracing_off_p99_us=%d tracing_1pct_p99_us=%d"
              + " tracing_all_p99_us=%d tracing_off_max_rate=%d tracing_1pct_max_rate=%d"
              + " tracing_all_max_rate=%d",
          results.get(0).atRate().p(50) / 1_000,
          results.get(0).atRate().p(99) / 1_000,
          results.get(1).atRate().p(99) / 1_000,
          results.get(2).atRate().p(99) / 1_000,
          results.get(0).maxRate(),
          results.get(1).maxRate(),
          results.get(2).maxRate());
    } finally {
      collector.stop(0);
    }
  }

  private static List<String> traced(double ratio, String endpoint) {
    return List.of(
        "tracing.enabled=true",
        "tracing.sample-ratio=" + ratio,
        "tracing.otlp-endpoint=" + endpoint);
  }
}
