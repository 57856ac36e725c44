package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.infra.mqtt.MqttTls;
import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent over mutual TLS with a certificate of a throwaway authority, and with username and
 * password.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecureMqttIT {
  @TempDir static Path dir;
  private static IssuedIdentity gateway;
  private static EmbeddedMqttBroker broker;
  private static EmbeddedKafkaCluster kafka;
  private static Path passwordFile;

  @BeforeAll
  static void start() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.create("test CA", dir.resolve("certs"), Duration.ofDays(1));
    IssuedIdentity server = ca.issue("mqtt-it", Role.BROKER, List.of("127.0.0.1", "localhost"));
    gateway = ca.issue("gw-it", Role.GATEWAY, List.of());
    broker =
        EmbeddedMqttBroker.builder()
            .tls(MqttTls.mutual(server))
            .users(Map.of("gw-it", "gw-secret-1", "device", "device-secret"))
            .start();
    kafka = EmbeddedKafkaCluster.start("secure-it");
    EdgeFixture.createTopics(kafka);
    passwordFile = Files.writeString(dir.resolve("mqtt-password"), "gw-secret-1\n");
  }

  @AfterAll
  static void stop() {
    kafka.close();
    broker.close();
  }

  private List<String> tlsSettings(Path data, boolean withClientCertificate) throws Exception {
    List<String> settings =
        EdgeFixture.settings(data, broker.tlsServerUri(), kafka.bootstrapServers());
    settings.add("mqtt.tls.enabled=true");
    settings.add("mqtt.tls.truststore=" + gateway.truststore());
    settings.add("mqtt.tls.truststore-password.file=" + gateway.truststorePasswordFile());
    if (withClientCertificate) {
      settings.add("mqtt.tls.keystore=" + gateway.keystore());
      settings.add("mqtt.tls.keystore-password.file=" + gateway.keystorePasswordFile());
    }
    settings.add("mqtt.username=gw-it");
    settings.add("mqtt.password.file=" + passwordFile);
    return settings;
  }

  @Test
  void shouldDecideOverMutualTlsWithPasswordAuthentication() throws Exception {
    try (EdgeAgent agent = EdgeFixture.agent(tlsSettings(dir.resolve("mtls"), true))) {
      await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);

      MqttClient device = new MqttClient(broker.serverUri(), "device-1", new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setUserName("device");
      options.setPassword("device-secret".getBytes(StandardCharsets.UTF_8));
      device.connect(options);
      List<String> commands = new CopyOnWriteArrayList<>();
      device.setCallback(
          new CallbackAdapter((topic, payload) -> commands.add(new String(payload))));
      device.subscribe("sites/s/devices/d/commands", 1);
      EdgeFixture.publish(device, "s", "d", EdgeFixture.reading("d", 1, 99));

      await().atMost(Duration.ofSeconds(20)).until(() -> commands.size() == 1);
      assertThat(commands.get(0)).contains("\"action\":\"throttle\"");
      device.disconnect();
      device.close();
    }
  }

  @Test
  void shouldNotConnectWithoutClientCertificate() throws Exception {
    try (EdgeAgent agent = EdgeFixture.agent(tlsSettings(dir.resolve("no-cert"), false))) {
      Thread.sleep(3_000);
      assertThat(agent.mqttConnected()).isFalse();
      assertThat(agent.health().ready()).isFalse();
    }
  }

  @Test
  void shouldNotConnectWithWrongPassword() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong-password"), "guess");
    List<String> settings = tlsSettings(dir.resolve("wrong-password-data"), true);
    settings.add("mqtt.password.file=" + wrong);
    try (EdgeAgent agent = EdgeFixture.agent(settings)) {
      Thread.sleep(3_000);
      assertThat(agent.mqttConnected()).isFalse();
    }
  }
}
