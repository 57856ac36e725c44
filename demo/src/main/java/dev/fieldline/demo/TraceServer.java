package dev.fieldline.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves the running demo's {@link TraceStore} to {@code ./fieldline trace <deviceId> <seq>} on a
 * loopback port, which it writes to {@code .fieldline/demo-traces.port} in the working folder and
 * removes on close.
 */
final class TraceServer implements AutoCloseable {
  static final Path PORT_FILE = Path.of(".fieldline", "demo-traces.port");

  private final HttpServer server;

  private TraceServer(HttpServer server) {
    this.server = server;
  }

  static TraceServer start(TraceStore store) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/reading", exchange -> answer(exchange, store));
    server.start();
    Files.createDirectories(PORT_FILE.getParent());
    Files.writeString(PORT_FILE, Integer.toString(server.getAddress().getPort()));
    return new TraceServer(server);
  }

  private static void answer(HttpExchange exchange, TraceStore store) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String device = query.get("device");
    String seq = query.get("seq");
    int status = 200;
    String body;
    if (device == null || seq == null || !seq.matches("\\d+")) {
      status = 400;
      body = "ask /reading?device=<deviceId>&seq=<sequence number>\n";
    } else {
      body = ReadingPath.describe(store, device, Long.parseLong(seq));
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  @Override
  public void close() throws IOException {
    server.stop(0);
    Files.deleteIfExists(PORT_FILE);
  }
}
