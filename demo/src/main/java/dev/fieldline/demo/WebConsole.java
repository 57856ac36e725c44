package dev.fieldline.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.support.http.Access;
import dev.fieldline.support.http.HttpSettings;
import dev.fieldline.support.http.OpsHttpServer;
import dev.fieldline.support.http.OpsReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The demo in a browser, on a loopback port: the page ({@code /}), its script and ECharts (from the
 * webjar: no CDN, works offline), the console's latest {@link LiveFrame} with the replication lag's
 * history ({@code /api/frame}, polled each second), and one reading's path through every tier and
 * region ({@code /api/reading?device=..&seq=..}). Loopback only, as everything the demo starts; it
 * names devices, so every route is a data route.
 */
final class WebConsole implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ECHARTS =
      "/META-INF/resources/webjars/echarts/" + echartsVersion() + "/dist/echarts.min.js";
  private static final int LAG_HISTORY = 600;

  private final OpsHttpServer server;
  private final Supplier<LiveFrame> frames;
  private final Deque<Map<String, Object>> lagHistory = new ArrayDeque<>();
  private long lastLagSecond = -1;

  private WebConsole(OpsHttpServer server, Supplier<LiveFrame> frames) {
    this.server = server;
    this.frames = frames;
  }

  /**
   * @param port the port, 0 for a free one
   * @param frames the console's latest frame
   * @param traces the demo's traces, or null when tracing is off
   * @param exampleReading a reading that reached every region, as {device, seq}, or null
   */
  static WebConsole start(
      int port, Supplier<LiveFrame> frames, TraceStore traces, Supplier<String[]> exampleReading) {
    HttpSettings settings = new HttpSettings();
    settings.host = "127.0.0.1";
    settings.port = port;
    OpsHttpServer server = OpsHttpServer.startBare(settings);
    WebConsole console = new WebConsole(server, frames);
    server.route("/", Access.DATA, request -> asset("console.html", "text/html; charset=utf-8"));
    server.route(
        "/console.js",
        Access.DATA,
        request -> asset("console.js", "text/javascript; charset=utf-8"));
    server.route(
        "/console.css", Access.DATA, request -> asset("console.css", "text/css; charset=utf-8"));
    server.route(
        "/echarts.min.js",
        Access.DATA,
        request -> resource(ECHARTS, "text/javascript; charset=utf-8"));
    server.route("/api/frame", Access.DATA, request -> console.frameJson());
    server.route(
        "/api/reading",
        Access.DATA,
        request -> {
          if (traces == null) {
            return OpsReply.error(404, "tracing is off in this run (--trace-ratio 0)");
          }
          String device = request.query().get("device");
          String seq = request.query().get("seq");
          if (device == null || seq == null || !seq.matches("\\d{1,18}")) {
            return OpsReply.error(400, "ask /api/reading?device=<deviceId>&seq=<number>");
          }
          return json(
              Map.of(
                  "device",
                  device,
                  "seq",
                  Long.parseLong(seq),
                  "steps",
                  ReadingPath.steps(traces, device, Long.parseLong(seq))));
        });
    server.route(
        "/api/example-reading",
        Access.DATA,
        request -> {
          String[] reading = traces == null ? null : exampleReading.get();
          return reading == null
              ? OpsReply.error(404, "no traced reading has reached every region yet")
              : json(Map.of("device", reading[0], "seq", Long.parseLong(reading[1])));
        });
    return console;
  }

  /** The page's address, ending in '/'. */
  String uri() {
    String uri = server.uri();
    return uri.endsWith("/") ? uri : uri + "/";
  }

  private synchronized OpsReply frameJson() {
    LiveFrame frame = frames.get();
    if (frame == null) {
      return OpsReply.error(503, "the pipeline is starting");
    }
    if (frame.elapsedSeconds() != lastLagSecond && frame.replicationLag().copies() > 0) {
      lastLagSecond = frame.elapsedSeconds();
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("second", frame.elapsedSeconds());
      point.put("p50Ms", frame.replicationLag().p50Ms());
      point.put("p99Ms", frame.replicationLag().p99Ms());
      lagHistory.addLast(point);
      if (lagHistory.size() > LAG_HISTORY) {
        lagHistory.removeFirst();
      }
    }
    return json(Map.of("frame", frame, "lagHistory", List.copyOf(lagHistory)));
  }

  private static OpsReply json(Object value) {
    try {
      return OpsReply.json(200, JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      return OpsReply.error(500, "cannot write JSON: " + e.getOriginalMessage());
    }
  }

  private static OpsReply asset(String name, String contentType) {
    return resource("/web/" + name, contentType);
  }

  private static OpsReply resource(String path, String contentType) {
    try (InputStream in = WebConsole.class.getResourceAsStream(path)) {
      if (in == null) {
        return OpsReply.error(404, "not in this build: " + path);
      }
      return new OpsReply(200, contentType, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The webjar's version, from its Maven metadata, so a version bump needs no code change. */
  private static String echartsVersion() {
    var properties = new java.util.Properties();
    try (InputStream in =
        WebConsole.class.getResourceAsStream(
            "/META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version", "5.3.1");
  }

  @Override
  public void close() {
    server.close();
  }
}
