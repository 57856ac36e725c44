package dev.fieldline.support.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ops server against clients that misbehave: refused with a 4xx, never starved or crashed. */
class OpsHttpServerLimitsTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  private OpsHttpServer start(HttpSettings settings) {
    OpsHttpServer server =
        OpsHttpServer.start(
            settings,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            () ->
                new HealthReport(
                    true,
                    Map.of("queue", 3),
                    List.of(),
                    Map.of("missingByDevice", Map.of("d-1", 2))));
    server.route(
        "/devices/",
        Access.DATA,
        request -> OpsReply.json(200, "{\"id\":\"" + String.join("/", request.segments()) + "\"}"));
    open.add(server);
    return server;
  }

  private static HttpSettings loopback() {
    HttpSettings settings = new HttpSettings();
    settings.host = "127.0.0.1";
    return settings;
  }

  static List<Object[]> badRequests() {
    String longId = "d".repeat(100_000);
    return List.of(
        new Object[] {"encoded traversal", RawHttp.get("/devices/..%2f..%2fetc")},
        new Object[] {"encoded dot segments", RawHttp.get("/devices/%2e%2e/%2e%2e/metrics")},
        new Object[] {"invalid UTF-8", RawHttp.get("/devices/%ff%fe%c3")},
        new Object[] {"100 kB device id", RawHttp.get("/devices/" + longId)},
        new Object[] {"oversized header", RawHttp.get("/health", "X-Big: " + "x".repeat(20_000))},
        new Object[] {"many headers", RawHttp.get("/health", manyHeaders())},
        new Object[] {
          "unknown method",
          "BREW /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1)
        },
        new Object[] {
          "DELETE",
          "DELETE /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1)
        },
        new Object[] {
          "TRACE",
          "TRACE /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1)
        },
        new Object[] {
          "garbage request line",
          "\u0001\u0002 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)
        },
        new Object[] {
          "absolute URI elsewhere", RawHttp.get("http://example.org/devices/x/../../metrics")
        },
        new Object[] {"no such endpoint", RawHttp.get("/etc/passwd")});
  }

  private static String[] manyHeaders() {
    String[] headers = new String[1_000];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = "X-H" + i + ": v";
    }
    return headers;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badRequestsGetA4xxWithoutInternals(String name, byte[] request) throws IOException {
    OpsHttpServer server = start(loopback());
    RawHttp.Answer answer = RawHttp.exchange(LOOPBACK, server.port(), request);
    assertThat(answer.status()).as(name).isBetween(400, 499);
    assertThat(answer.text())
        .as(name)
        .doesNotContain("Exception", "\tat ", "jetty", "Jetty", "missingByDevice");
    // And the server still answers a good request afterwards.
    assertThat(RawHttp.exchange(LOOPBACK, server.port(), RawHttp.get("/health")).status())
        .isEqualTo(200);
  }

  @Test
  void encodedNamesArriveDecoded() throws IOException {
    OpsHttpServer server = start(loopback());
    RawHttp.Answer answer =
        RawHttp.exchange(LOOPBACK, server.port(), RawHttp.get("/devices/d%20%C3%A9-1"));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.text()).endsWith("{\"id\":\"d é-1\"}".replace("é", "\u00c3\u00a9"));
  }

  @Test
  void slowClientsDoNotStarveHealth() throws Exception {
    OpsHttpServer server = start(loopback());
    // 300 connections (more than the worker pool, queue and half the connection limit together),
    // each having sent one byte of a request line and nothing more.
    for (int i = 0; i < 300; i++) {
      Socket slow = new Socket(LOOPBACK, server.port());
      open.add(slow);
      OutputStream out = slow.getOutputStream();
      out.write('G');
      out.flush();
    }
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void slowClientsAreDisconnectedAfterTheIdleTimeout() throws Exception {
    HttpSettings settings = loopback();
    settings.limits.idleTimeout = Duration.ofMillis(500);
    OpsHttpServer server = start(settings);
    try (Socket slow = new Socket(LOOPBACK, server.port())) {
      slow.setSoTimeout(5_000);
      slow.getOutputStream().write("GET /hea".getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      // The server closes the connection (end of stream, or a reset) well before our 5 s timeout.
      try {
        while (slow.getInputStream().read() >= 0) {
          // drain whatever the server sends before closing
        }
      } catch (java.net.SocketException reset) {
        // closed by the server
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void aFullQueueRefusesInsteadOfGrowing() throws Exception {
    HttpSettings settings = loopback();
    settings.limits.threads = 1;
    settings.limits.queue = 1;
    OpsHttpServer server = start(settings);
    CountDownLatch release = new CountDownLatch(1);
    server.route(
        "/slow",
        Access.OPS,
        request -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return OpsReply.text(200, "done\n");
        });
    ExecutorService clients = Executors.newFixedThreadPool(8);
    open.add(clients::shutdownNow);
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(
          clients.submit(
              () -> {
                try {
                  return RawHttp.exchange(LOOPBACK, server.port(), RawHttp.get("/slow")).status();
                } catch (IOException refused) {
                  return -1;
                }
              }));
      Thread.sleep(50);
    }
    Thread.sleep(300);
    release.countDown();
    int served = 0;
    int refused = 0;
    for (Future<Integer> answer : answers) {
      int status = answer.get(15, TimeUnit.SECONDS);
      if (status == 200) {
        served++;
      } else {
        refused++;
      }
    }
    assertThat(served).as("served").isGreaterThanOrEqualTo(1);
    assertThat(refused).as("refused rather than queued").isGreaterThanOrEqualTo(1);
    assertThat(healthOnceDrained(server)).as("serves again once the burst is done").isEqualTo(200);
  }

  /**
   * /health's status once the released requests have left the pool: a request that arrives while
   * their threads are still finishing is refused like the burst was, so it may take a few tries.
   */
  private static int healthOnceDrained(OpsHttpServer server) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        return RawHttp.exchange(LOOPBACK, server.port(), RawHttp.get("/health")).status();
      } catch (IOException refused) {
        last = refused;
        Thread.sleep(100);
      }
    }
    throw new AssertionError("no answer from /health within 5 s after the burst", last);
  }

  @Test
  void plaintextServesDeviceDataOnlyToLoopbackClients() throws IOException {
    InetAddress external = nonLoopbackAddress();
    assumeTrue(external != null, "this machine has no non-loopback IPv4 address");
    HttpSettings settings = new HttpSettings();
    settings.host = "0.0.0.0";
    OpsHttpServer server = start(settings);

    RawHttp.Answer fromLoopback =
        RawHttp.exchange(LOOPBACK, server.port(), RawHttp.get("/devices/d-1"));
    RawHttp.Answer fromNetwork =
        RawHttp.exchange(external, server.port(), RawHttp.get("/devices/d-1"));
    RawHttp.Answer healthFromNetwork =
        RawHttp.exchange(external, server.port(), RawHttp.get("/health"));

    assertThat(fromLoopback.status()).isEqualTo(200);
    assertThat(fromNetwork.status()).isEqualTo(403);
    assertThat(fromNetwork.text()).doesNotContain("d-1\"}");
    assertThat(healthFromNetwork.status()).isEqualTo(200);
    assertThat(healthFromNetwork.text()).contains("\"queue\":3").doesNotContain("missingByDevice");
  }

  @Test
  void loopbackHealthShowsDeviceDetails() throws IOException {
    OpsHttpServer server = start(loopback());
    assertThat(RawHttp.exchange(LOOPBACK, server.port(), RawHttp.get("/health")).text())
        .contains("\"missingByDevice\":{\"d-1\":2}");
  }

  @Test
  void settingsProblemsNameTheKey() {
    HttpSettings settings = new HttpSettings();
    settings.tls.enabled = true;
    settings.limits.threads = 0;
    assertThat(settings.problems())
        .anyMatch(p -> p.startsWith("http.tls.keystore:"))
        .anyMatch(p -> p.startsWith("http.tls.truststore:"))
        .anyMatch(p -> p.startsWith("http.limits.threads:"));
  }

  private static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic :
        java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return address;
        }
      }
    }
    return null;
  }
}
