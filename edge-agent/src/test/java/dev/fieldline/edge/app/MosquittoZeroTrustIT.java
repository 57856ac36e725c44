package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker-compose stack's secure MQTT hop on Debian's Mosquitto: mutual TLS, the certificate's
 * CN as the user, and the ACL file the stack ships ({@code deploy/compose/secure/mosquitto.acl}).
 * The edge agent reads its devices over it; a device cannot publish as another device, nor read its
 * commands, and a client without a certificate gets nowhere. Skipped where Mosquitto is missing.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MosquittoZeroTrustIT {
  private static final Path SHIPPED_ACL = Path.of("../deploy/compose/secure/mosquitto.acl");

  @TempDir static Path dir;
  static MosquittoBroker broker;
  static EmbeddedKafkaCluster kafka;
  static IssuedIdentity gateway;
  static IssuedIdentity deviceA;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(MosquittoBroker.installed(), "Debian's mosquitto is not installed");
    CertificateAuthority ca =
        CertificateAuthority.create("test CA", dir.resolve("pki"), Duration.ofDays(1));
    IssuedIdentity server = ca.issue("mqtt-eu", Role.BROKER, List.of("127.0.0.1", "localhost"));
    gateway = ca.issue("gw-eu-1", Role.GATEWAY, List.of());
    deviceA = ca.issue("dev-a", Role.DEVICE, List.of());
    // Mosquitto drops to its own user when started as root: it must read its files.
    dir.toFile().setExecutable(true, false);
    try (Stream<Path> files = Files.list(dir.resolve("pki"))) {
      for (Path file : files.toList()) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      }
    }
    Files.setPosixFilePermissions(dir.resolve("pki"), PosixFilePermissions.fromString("rwxr-xr-x"));
    broker = MosquittoBroker.startSecure(dir, FreePorts.pick(), server, SHIPPED_ACL);
    kafka = EmbeddedKafkaCluster.start("mosquitto-zero-trust");
    EdgeFixture.createTopics(kafka);
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldCarryADevicesOwnReadingsToTheAgentAndNoForgedOnes() throws Exception {
    List<String> settings =
        EdgeFixture.settings(dir.resolve("agent"), broker.tlsServerUri(), kafka.bootstrapServers());
    settings.addAll(
        List.of(
            "mqtt.client-id=" + gateway.name(),
            "mqtt.tls.enabled=true",
            "mqtt.tls.truststore=" + gateway.truststore(),
            "mqtt.tls.truststore-password=file:" + gateway.truststorePasswordFile(),
            "mqtt.tls.keystore=" + gateway.keystore(),
            "mqtt.tls.keystore-password=file:" + gateway.keystorePasswordFile()));
    try (EdgeAgent agent = EdgeFixture.agent(settings)) {
      await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
      MqttClient device = connect("dev-a", deviceA.sslContext());

      EdgeFixture.publish(device, "s1", "dev-b", EdgeFixture.reading("dev-b", 1, 20.0));
      EdgeFixture.publish(device, "s1", "dev-a", EdgeFixture.reading("dev-a", 1, 20.0));

      await().atMost(Duration.ofSeconds(10)).until(() -> agent.counters().accepted.sum() >= 1);
      Thread.sleep(500); // the forged reading, sent first, would have arrived by now
      assertThat(agent.counters().received.sum()).isEqualTo(1);
      device.disconnect();
      device.close();
    }
  }

  @Test
  void shouldNeverDeliverAnotherDevicesCommands() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    MqttClient device = connect("dev-a", deviceA.sslContext());
    device.setCallback(
        new CallbackAdapter(
            (topic, payload) -> received.add(new String(payload, StandardCharsets.UTF_8))));
    // Mosquitto grants the subscription and checks read access on every delivery instead.
    device.subscribe("sites/s1/devices/dev-b/commands", 1);
    device.subscribe("sites/s1/devices/dev-a/commands", 1);
    MqttClient site = connect(gateway.name(), gateway.sslContext());

    site.publish(
        "sites/s1/devices/dev-b/commands", "for-b".getBytes(StandardCharsets.UTF_8), 1, false);
    site.publish(
        "sites/s1/devices/dev-a/commands", "for-a".getBytes(StandardCharsets.UTF_8), 1, false);

    await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("for-a"));
    Thread.sleep(500);
    assertThat(received).containsExactly("for-a");
    for (MqttClient client : List.of(device, site)) {
      client.disconnect();
      client.close();
    }
  }

  @Test
  void shouldRefuseAClientWithoutCertificate() {
    assertThatThrownBy(() -> connect("dev-a", deviceA.sslContext(false)))
        .isInstanceOf(MqttException.class);
  }

  private static MqttClient connect(String clientId, SSLContext tls) throws MqttException {
    MqttClient client = new MqttClient(broker.tlsServerUri(), clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setSocketFactory(tls.getSocketFactory());
    options.setConnectionTimeout(10);
    try {
      client.connect(options);
    } catch (MqttException e) {
      client.close();
      throw e;
    }
    return client;
  }
}
