package dev.fieldline.support.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server for operating a service: {@code GET /metrics} (Prometheus text format),
 * {@code GET /health} (JSON; 200 when ready, 503 otherwise) and {@code GET /health/live}, plus any
 * routes the service adds. Built on the JDK's server: no framework for three endpoints.
 */
public final class OpsHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private OpsHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts the server.
   *
   * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
   * @param port the port; 0 picks a free one
   * @param metrics the registry scraped on {@code /metrics}
   * @param health the current health report, rendered on {@code /health}
   */
  public static OpsHttpServer start(
      String host, int port, PrometheusMeterRegistry metrics, Supplier<HealthReport> health) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
      ExecutorService executor =
          Executors.newFixedThreadPool(
              2,
              runnable -> {
                Thread thread = new Thread(runnable, "ops-http");
                thread.setDaemon(true);
                return thread;
              });
      server.setExecutor(executor);
      OpsHttpServer ops = new OpsHttpServer(server, executor);
      ops.route(
          "/metrics",
          exchange -> respond(exchange, 200, "text/plain; version=0.0.4", metrics.scrape()));
      ops.route(
          "/health/live",
          exchange -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}"));
      ops.route(
          "/health",
          exchange -> {
            HealthReport report = health.get();
            respond(exchange, report.ready() ? 200 : 503, "application/json", report.toJson());
          });
      server.start();
      log.info("ops endpoint on http://{}:{}/ (metrics, health)", host, ops.port());
      return ops;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the ops HTTP server to " + host + ":" + port, e);
    }
  }

  /** Adds a route; the handler must answer every exchange it receives. */
  public void route(String path, HttpHandler handler) {
    server.createContext(
        path,
        exchange -> {
          try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
              respond(exchange, 405, "text/plain", "only GET\n");
              return;
            }
            handler.handle(exchange);
          } catch (RuntimeException e) {
            log.warn("error answering {}", exchange.getRequestURI(), e);
            respond(exchange, 500, "text/plain", "internal error\n");
          }
        });
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Writes a complete response. */
  public static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
