package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo with zero trust on every hop (mutual TLS, MQTT access policy, Kafka ACLs), as the test
 * suite runs it: it balances like the plaintext one, and no password or private key of any identity
 * shows up in any log line, in what the demo prints, or in any service's {@code /health} and {@code
 * /metrics}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecureDemoIT {
  @Test
  void shouldBalanceOverMutualTlsWithoutPrintingASecret() throws Exception {
    DemoSettings settings = DemoIT.twentySecondRun(true);
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
        for (int port : List.of(stack.edge.httpPort(), stack.aggregator.httpPort())) {
          published.add(get(port, "/health"));
          published.add(get(port, "/metrics"));
        }
        // A device posing as another is refused, and its refusal logged, without a secret.
        String device = stack.region + "-dev-0000";
        assertThatThrownBy(() -> connect(stack, device, stack.region + "-dev-0001", demo))
            .isInstanceOf(MqttException.class);
        assertThat(stack.mqtt.refusedConnections()).isEqualTo(1);
      }
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

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}
