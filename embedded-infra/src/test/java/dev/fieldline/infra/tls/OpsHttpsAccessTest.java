package dev.fieldline.infra.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.support.http.Access;
import dev.fieldline.support.http.HealthReport;
import dev.fieldline.support.http.HttpSettings;
import dev.fieldline.support.http.OpsHttpServer;
import dev.fieldline.support.http.OpsReply;
import dev.fieldline.support.http.ServiceHttpClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops port under mutual TLS: who gets past the handshake, and what each role may read. Every
 * refusal is also checked to carry none of the data.
 */
class OpsHttpsAccessTest {
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");
  private static final String DEVICE_DATA = "\"temperature\":21.5";

  @TempDir static Path dir;
  private static CertificateAuthority ca;
  private static IssuedIdentity service;
  private static IssuedIdentity admin;
  private static IssuedIdentity scraper;
  private static IssuedIdentity device;
  private static IssuedIdentity gateway;
  private static IssuedIdentity intruder;

  private OpsHttpServer server;

  @BeforeAll
  static void issue() {
    ca = CertificateAuthority.create("test CA", dir.resolve("ca"), Duration.ofHours(1));
    service = ca.issue("aggregator-test", Role.SERVICE, LOOPBACK);
    admin = ca.issue("fieldline-admin", Role.ADMIN, List.of());
    scraper = ca.issue("prometheus", Role.SCRAPER, List.of());
    device = ca.issue("dev-0001", Role.DEVICE, List.of());
    gateway = ca.issue("gw-1", Role.GATEWAY, LOOPBACK);
    CertificateAuthority other =
        CertificateAuthority.create("other CA", dir.resolve("other"), Duration.ofHours(1));
    // Another authority's admin that trusts our authority, so only its own certificate is wrong.
    intruder = other.issue("fieldline-admin", Role.ADMIN, List.of()).trusting(admin);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OpsHttpServer start(IssuedIdentity identity, boolean openLiveness) {
    HttpSettings settings = HttpTls.apply(identity, new HttpSettings());
    settings.host = "127.0.0.1";
    settings.access.openLiveness = openLiveness;
    server =
        OpsHttpServer.start(
            settings,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            () ->
                new HealthReport(
                    true,
                    Map.of("queue", 3),
                    List.of(),
                    Map.of("missingByDevice", Map.of("dev-0001", 2))));
    server.route(
        "/devices/",
        Access.DATA,
        request ->
            OpsReply.json(
                200, "{\"id\":\"" + request.segments().get(0) + "\"," + DEVICE_DATA + "}"));
    return server;
  }

  private HttpResponse<String> get(SSLContext tls, String path) throws Exception {
    HttpClient client =
        HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
    return client.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void adminAndServicesReadDeviceData() throws Exception {
    start(service, false);
    for (IssuedIdentity reader : List.of(admin, service)) {
      HttpResponse<String> answer = get(reader.sslContext(), "/devices/dev-0001");
      assertThat(answer.statusCode()).as(reader.name()).isEqualTo(200);
      assertThat(answer.body()).contains(DEVICE_DATA);
      assertThat(get(reader.sslContext(), "/health").body()).contains("missingByDevice");
    }
  }

  @Test
  void devicesAndGatewaysAreRefusedDeviceData() throws Exception {
    start(service, false);
    for (IssuedIdentity other : List.of(device, gateway)) {
      for (String path : List.of("/devices/dev-0001", "/health", "/metrics")) {
        HttpResponse<String> answer = get(other.sslContext(), path);
        assertThat(answer.statusCode()).as(other.name() + " " + path).isEqualTo(403);
        assertThat(answer.body()).doesNotContain(DEVICE_DATA, "missingByDevice", "queue");
      }
    }
  }

  @Test
  void theScraperReadsMetricsAndHealthButNoDeviceNames() throws Exception {
    start(service, false);
    assertThat(get(scraper.sslContext(), "/metrics").statusCode()).isEqualTo(200);
    HttpResponse<String> health = get(scraper.sslContext(), "/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"queue\":3").doesNotContain("dev-0001");
    HttpResponse<String> data = get(scraper.sslContext(), "/devices/dev-0001");
    assertThat(data.statusCode()).isEqualTo(403);
    assertThat(data.body()).doesNotContain(DEVICE_DATA);
  }

  @Test
  void aClientWithoutACertificateFailsTheHandshake() {
    start(service, false);
    assertThatThrownBy(() -> get(admin.sslContext(false), "/devices/dev-0001"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(admin.sslContext(false), "/health/live"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void anotherAuthoritysCertificateFailsTheHandshake() {
    start(service, false);
    assertThatThrownBy(() -> get(intruder.sslContext(), "/devices/dev-0001"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void plaintextToTheTlsPortGetsNoHttpAnswer() throws Exception {
    start(service, false);
    String received;
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(
              "GET /devices/dev-0001 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      try {
        for (int b; (b = in.read()) >= 0; ) {
          bytes.write(b);
        }
      } catch (java.net.SocketException reset) {
        // the server may reset instead of closing
      }
      received = bytes.toString(StandardCharsets.ISO_8859_1);
    }
    assertThat(received).doesNotStartWith("HTTP/").doesNotContain(DEVICE_DATA, "dev-0001");
  }

  @Test
  void openLivenessAnswersUpOrDownOnlyWithoutACertificate() throws Exception {
    start(service, true);
    HttpResponse<String> live = get(admin.sslContext(false), "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    for (String path : List.of("/health", "/metrics", "/devices/dev-0001")) {
      HttpResponse<String> refused = get(admin.sslContext(false), path);
      assertThat(refused.statusCode()).as(path).isEqualTo(403);
      assertThat(refused.body()).doesNotContain(DEVICE_DATA, "queue");
    }
    assertThat(get(admin.sslContext(), "/devices/dev-0001").statusCode()).isEqualTo(200);
  }

  @Test
  void instancesCallEachOtherWithTheirOwnCertificate() throws Exception {
    start(service, false);
    ServiceHttpClient client =
        new ServiceHttpClient(HttpTls.apply(service, new HttpSettings()), List.of("service"));
    HttpResponse<String> answer =
        client.get("127.0.0.1", server.port(), "/devices/dev-0001", "X-Test", "1");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains(DEVICE_DATA);
  }

  @Test
  void anInstanceWithAnotherAuthoritysCertificateIsRefused() {
    start(service, false);
    ServiceHttpClient client =
        new ServiceHttpClient(HttpTls.apply(intruder, new HttpSettings()), List.of("service"));
    assertThatThrownBy(() -> client.get("127.0.0.1", server.port(), "/devices/dev-0001", "X", "1"))
        .isInstanceOf(IOException.class);
  }

  @Test
  void anAnswerFromAPeerThatIsNotAServiceIsDropped() {
    // A gateway's certificate from the right authority, serving where an instance should be.
    start(gateway, false);
    ServiceHttpClient client =
        new ServiceHttpClient(HttpTls.apply(service, new HttpSettings()), List.of("service"));
    assertThatThrownBy(() -> client.get("127.0.0.1", server.port(), "/devices/dev-0001", "X", "1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("gw-1 (gateway)");
  }

  @Test
  void aPeerWhoseCertificateDoesNotNameTheHostIsRefused() {
    // The admin's certificate names no host: a client cannot tell it is talking to the right one.
    start(admin, false);
    ServiceHttpClient client =
        new ServiceHttpClient(
            HttpTls.apply(service, new HttpSettings()), List.of("service", "admin"));
    assertThatThrownBy(() -> client.get("127.0.0.1", server.port(), "/devices/dev-0001", "X", "1"))
        .isInstanceOf(IOException.class);
  }
}
