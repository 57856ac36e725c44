package dev.fieldline.infra.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-trust edge broker: mutual TLS only, and each identity limited by the access policy.
 * Every refusal is checked with what would have been delivered: nothing, while the allowed message
 * sent right after it arrives.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SecureMqttBrokerIT {
  private static final int NOT_AUTHORIZED = 0x87;

  @TempDir static Path dir;
  static CertificateAuthority ca;
  static EmbeddedMqttBroker broker;
  static IssuedIdentity deviceA;
  static IssuedIdentity deviceB;
  static IssuedIdentity gateway;

  @BeforeAll
  static void startBroker() {
    ca = CertificateAuthority.create("test CA", dir.resolve("ca"), Duration.ofDays(1));
    IssuedIdentity server = ca.issue("mqtt-test", Role.BROKER, List.of("localhost", "127.0.0.1"));
    deviceA = ca.issue("dev-a", Role.DEVICE, List.of());
    deviceB = ca.issue("dev-b", Role.DEVICE, List.of());
    gateway = ca.issue("gw-1", Role.GATEWAY, List.of());
    broker =
        EmbeddedMqttBroker.builder()
            .tls(MqttTls.mutual(server))
            .accessPolicy(MqttAccessPolicy.defaults(Map.of("gw-1", List.of("s1"))))
            .start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldOfferNoPlainListener() {
    assertThatThrownBy(() -> broker.serverUri()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldRefuseAClientWithoutCertificate() {
    assertThatThrownBy(() -> connect("dev-a", deviceA.sslContext(false)))
        .isInstanceOf(MqttException.class);
  }

  @Test
  void shouldRefuseACertificateFromAnotherAuthority(@TempDir Path otherDir) throws Exception {
    CertificateAuthority other =
        CertificateAuthority.create("other CA", otherDir, Duration.ofDays(1));
    IssuedIdentity impostor = other.issue("dev-a", Role.DEVICE, List.of());
    // It trusts the real broker; the broker does not trust it.
    SSLContext context = impostor.trusting(deviceA).sslContext();

    assertThatThrownBy(() -> connect("dev-a", context)).isInstanceOf(MqttException.class);
  }

  @Test
  void shouldRefuseAClientIdThatIsNotTheCertificatesName() {
    assertThatThrownBy(() -> connect("dev-b", deviceA.sslContext()))
        .isInstanceOf(MqttException.class);
    assertThat(broker.refusedConnections()).isPositive();
  }

  @Test
  void shouldRefuseADevicePublishingToAnotherDevicesTopic() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    MqttAsyncClient site = connect("gw-1", gateway.sslContext());
    site.setCallback(new MessageCollector(payload -> received.add(text(payload))));
    site.subscribe("sites/s1/devices/+/telemetry", 1);
    MqttAsyncClient device = connect("dev-a", deviceA.sslContext());

    IMqttToken forged = publish(device, "sites/s1/devices/dev-b/telemetry", "forged");
    assertThat(((MqttPubAck) forged.getResponse()).getReturnCode()).isEqualTo(NOT_AUTHORIZED);
    // HiveMQ may also close the connection of a client that broke its permissions.
    if (!device.isConnected()) {
      device.close();
      device = connect("dev-a", deviceA.sslContext());
    }
    IMqttToken own = publish(device, "sites/s1/devices/dev-a/telemetry", "own");

    assertThat(((MqttPubAck) own.getResponse()).getReturnCode()).isZero();
    await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("own"));
    assertThat(received).containsExactly("own");
    close(device, site);
  }

  @Test
  void shouldRefuseADeviceSubscribingToAnotherDevicesCommands() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    MqttAsyncClient device = connect("dev-a", deviceA.sslContext());
    device.setCallback(new MessageCollector(payload -> received.add(text(payload))));

    IMqttToken other = device.subscribe("sites/s1/devices/dev-b/commands", 1);
    IMqttToken own = device.subscribe("sites/s1/devices/dev-a/commands", 1);
    assertThat(reasonCodes(other)).containsExactly(NOT_AUTHORIZED);
    assertThat(reasonCodes(own)).containsExactly(1);

    MqttAsyncClient site = connect("gw-1", gateway.sslContext());
    publish(site, "sites/s1/devices/dev-b/commands", "for-b");
    publish(site, "sites/s1/devices/dev-a/commands", "for-a");
    await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("for-a"));
    assertThat(received).containsExactly("for-a");
    close(device, site);
  }

  @Test
  void shouldKeepAGatewayToItsOwnSites() throws Exception {
    MqttAsyncClient site = connect("gw-1", gateway.sslContext());

    IMqttToken otherSite = site.subscribe("sites/s2/devices/+/telemetry", 1);
    IMqttToken everySite = site.subscribe("sites/#", 1);

    assertThat(reasonCodes(otherSite)).containsExactly(NOT_AUTHORIZED);
    assertThat(reasonCodes(everySite)).containsExactly(NOT_AUTHORIZED);
    close(site);
  }

  private static MqttAsyncClient connect(String clientId, SSLContext tls) throws MqttException {
    MqttAsyncClient client =
        new MqttAsyncClient(broker.tlsServerUri(), clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setSocketFactory(tls.getSocketFactory());
    options.setConnectionTimeout(10);
    options.setCleanStart(true);
    try {
      client.connect(options).waitForCompletion(15_000);
    } catch (MqttException e) {
      client.close();
      throw e;
    }
    return client;
  }

  private static IMqttToken publish(MqttAsyncClient client, String topic, String text)
      throws MqttException {
    MqttMessage message = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    IMqttToken token = client.publish(topic, message);
    try {
      token.waitForCompletion(10_000);
    } catch (MqttException e) {
      // A refused publish may complete exceptionally; its reason code is still on the token.
    }
    return token;
  }

  private static int[] reasonCodes(IMqttToken token) {
    try {
      token.waitForCompletion(10_000);
    } catch (MqttException e) {
      // A refusal may complete the token exceptionally; its reason codes are what we check.
    }
    return token.getReasonCodes();
  }

  private static String text(byte[] payload) {
    return new String(payload, StandardCharsets.UTF_8);
  }

  private static void close(MqttAsyncClient... clients) throws MqttException {
    for (MqttAsyncClient client : clients) {
      client.disconnect().waitForCompletion(5_000);
      client.close();
    }
  }
}
