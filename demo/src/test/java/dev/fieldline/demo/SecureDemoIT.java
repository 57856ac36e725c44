package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.infra.tls.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo with zero trust on every hop (mutual TLS, MQTT access policy, Kafka ACLs), as the test
 * suite runs it: it balances like the plaintext one, and no password or private key of any identity
 * shows up in any log line, in what the demo prints, or in any service's {@code /health}, {@code
 * /metrics} and status page.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecureDemoIT {
  @Test
  void shouldBalanceOverMutualTlsWithoutPrintingASecret() throws Exception {
    // Some readings traced, so that the trace server runs too (over TLS).
    DemoSettings settings = DemoIT.twentySecondRun(true, 0.05);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    List<String> published = new ArrayList<>();
    List<String> secrets;
    try (LogCapture logs = LogCapture.everything();
        Demo demo = new Demo(settings, new Console(out, false, "test log"))) {
      boolean balanced = demo.run(out);
      String printed = buffer.toString(StandardCharsets.UTF_8);

      assertThat(balanced).as(printed).isTrue();
      assertThat(printed).contains("every row balances").doesNotContain("MISMATCH");
      for (RegionStack stack : demo.stacks().values()) {
        assertThat(stack.simulator.ledger().readings()).isGreaterThan(2_000);
        SSLContext admin = demo.zeroTrust().admin().sslContext();
        SSLContext gateway =
            demo.zeroTrust().issue("probe-" + stack.region, Role.GATEWAY).sslContext();
        for (int port : List.of(stack.edge.httpPort(), stack.aggregator.httpPort())) {
          published.add(get(admin, port, "/health", 200));
          published.add(get(admin, port, "/metrics", 200));
          // The status page shows the effective config: references to secrets, never one.
          String page = get(admin, port, "/", 200);
          assertThat(page).contains("Effective config").contains("keystore-password");
          published.add(page);
          assertThatThrownBy(() -> get(null, port, "/health", 0))
              .as("plaintext to the TLS port")
              .isInstanceOf(IOException.class);
          assertThatThrownBy(
                  () -> get(demo.zeroTrust().admin().sslContext(false), port, "/health", 0))
              .as("no client certificate")
              .isInstanceOf(IOException.class);
        }
        String device = stack.region + "-dev-0000";
        published.add(get(admin, stack.aggregator.httpPort(), "/devices/" + device, 200));
        assertThat(get(gateway, stack.aggregator.httpPort(), "/devices/" + device, 403))
            .doesNotContain("\"deviceId\"");
        // A device posing as another is refused, and its refusal logged, without a secret.
        assertThatThrownBy(() -> connect(stack, device, stack.region + "-dev-0001", demo))
            .isInstanceOf(MqttException.class);
        assertThat(stack.mqtt.refusedConnections()).isEqualTo(1);
      }
      traceServerAnswersOnlyTheAdmin(demo);
      // Flink's REST API (it can cancel the job): the admin only.
      int rest = demo.flinkRestPort();
      assertThat(get(demo.zeroTrust().admin().sslContext(), rest, "/jobs", 200))
          .contains("RUNNING");
      SSLContext device = demo.zeroTrust().issue("probe-rest", Role.DEVICE).sslContext();
      assertThatThrownBy(() -> get(device, rest, "/jobs", 0)).isInstanceOf(IOException.class);
      // Plaintext gets Flink's redirect to https, nothing else.
      HttpResponse<String> plain =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/jobs")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(plain.statusCode()).isEqualTo(301);
      assertThat(plain.headers().firstValue("Location"))
          .hasValueSatisfying(l -> assertThat(l).startsWith("https://"));
      assertThat(plain.body()).doesNotContain("RUNNING", "jobs");
      secrets = secretsIn(demo.zeroTrust().directory());
      published.add(printed);
      published.addAll(logs.lines());
    }

    assertThat(secrets).hasSizeGreaterThan(50);
    assertThat(published).hasSizeGreaterThan(1_000);
    // The scan saw the Kafka clients' own config dumps, where the library hides passwords.
    assertThat(published).anyMatch(text -> text.contains("ssl.keystore.password = [hidden]"));
    for (String text : published) {
      for (String secret : secrets) {
        assertThat(text).doesNotContain(secret);
      }
    }
  }

  /** The trace server (readings name devices) over mutual TLS, to a data role only. */
  private static void traceServerAnswersOnlyTheAdmin(Demo demo) throws Exception {
    Properties where = new Properties();
    try (Reader in = Files.newBufferedReader(TraceServer.PORT_FILE)) {
      where.load(in);
    }
    assertThat(where.getProperty("scheme")).isEqualTo("https");
    int port = Integer.parseInt(where.getProperty("port"));
    String reading = "/reading?device=eu-west-dev-0001&seq=1";
    get(demo.zeroTrust().admin().sslContext(), port, reading, 200);
    get(demo.zeroTrust().issue("probe-device", Role.DEVICE).sslContext(), port, reading, 403);
    assertThatThrownBy(() -> get(null, port, reading, 0)).isInstanceOf(IOException.class);
    // ./fieldline trace finds the server and the admin identity in the file, and gets an answer
    // (0: the reading's path, 1: no trace of it), not 2 (no server, or refused).
    assertThat(new picocli.CommandLine(new TraceApp()).execute("eu-west-dev-0001", "1")).isIn(0, 1);
  }

  /** Every password, and a slice of every private key, that the run's authority wrote. */
  private static List<String> secretsIn(Path pki) throws IOException {
    List<String> secrets = new ArrayList<>();
    try (Stream<Path> files = Files.list(pki)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".password")) {
          secrets.add(Files.readString(file).strip());
        } else if (name.endsWith(".key")) {
          secrets.add(Files.readAllLines(file).get(1).substring(0, 40));
        }
      }
    }
    return secrets;
  }

  private static void connect(RegionStack stack, String identity, String clientId, Demo demo)
      throws MqttException {
    MqttClient client =
        new MqttClient(stack.mqtt.tlsServerUri(), clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setSocketFactory(demo.zeroTrust().devices().socketFactory(identity));
    try {
      client.connect(options);
    } finally {
      client.close();
    }
  }

  /** GET over mutual TLS with {@code tls} (plaintext when null), expecting {@code status}. */
  private static String get(SSLContext tls, int port, String path, int status) throws Exception {
    HttpClient client =
        tls == null ? HttpClient.newHttpClient() : HttpClient.newBuilder().sslContext(tls).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + " on port " + port).isEqualTo(status);
    return response.body();
  }
}
