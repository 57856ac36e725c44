package dev.fieldline.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.KafkaTlsClient;
import dev.fieldline.infra.tls.Role;
import dev.fieldline.schema.KafkaAccess;
import dev.fieldline.schema.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zero-trust regional cluster: mutual TLS on every listener and KRaft's standard authorizer with
 * Fieldline's ACLs. Every refusal is checked with the data it would have written: none.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecureKafkaClusterIT {
  @TempDir static Path dir;
  static CertificateAuthority ca;
  static EmbeddedKafkaCluster cluster;
  static IssuedIdentity gateway;
  static IssuedIdentity aggregator;

  @BeforeAll
  static void startCluster() {
    ca = CertificateAuthority.create("test CA", dir.resolve("ca"), Duration.ofDays(1));
    IssuedIdentity broker = ca.issue("kafka-test", Role.BROKER, List.of("localhost", "127.0.0.1"));
    IssuedIdentity admin = ca.issue("admin", Role.ADMIN, List.of());
    gateway = ca.issue("edge-gw-1", Role.GATEWAY, List.of());
    aggregator = ca.issue("aggregator-test", Role.SERVICE, List.of());
    cluster = EmbeddedKafkaCluster.startSecure("secure", broker, admin, Map.of());
    for (String topic :
        List.of(
            Topics.EDGE_SUMMARIES.name(),
            Topics.REGIONAL_AGGREGATES.name(),
            Topics.GLOBAL_FEATURES.name(),
            Topics.GLOBAL_AGGREGATES.name())) {
      cluster.createTopic(topic, 1, Map.of());
    }
    KafkaAccess.grant(cluster.admin(), KafkaAccess.edgeGateway(gateway.name()));
    KafkaAccess.grant(
        cluster.admin(), KafkaAccess.regionalAggregator(aggregator.name(), "fieldline-test"));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldLetEachIdentityWriteItsOwnTopics() throws Exception {
    send(KafkaTlsClient.clientConfig(gateway), Topics.EDGE_SUMMARIES.name(), "allowed");
    send(KafkaTlsClient.clientConfig(aggregator), Topics.REGIONAL_AGGREGATES.name(), "allowed");

    assertThat(values(Topics.EDGE_SUMMARIES.name())).contains("allowed");
    assertThat(values(Topics.REGIONAL_AGGREGATES.name())).contains("allowed");
  }

  @Test
  void shouldRefuseAClientWithoutCertificate() {
    Map<String, Object> noCertificate = new HashMap<>(KafkaTlsClient.clientConfig(gateway));
    noCertificate
        .keySet()
        .removeIf(key -> key.startsWith("ssl.keystore") || key.equals("ssl.key.password"));

    assertThatThrownBy(() -> send(noCertificate, Topics.EDGE_SUMMARIES.name(), "no-certificate"))
        .hasCauseInstanceOf(SslAuthenticationException.class)
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
    assertThat(values(Topics.EDGE_SUMMARIES.name())).doesNotContain("no-certificate");
  }

  @Test
  void shouldRefuseACertificateFromAnotherAuthority(@TempDir Path otherDir) {
    CertificateAuthority other =
        CertificateAuthority.create("other CA", otherDir, Duration.ofDays(1));
    IssuedIdentity impostor = other.issue(gateway.name(), Role.GATEWAY, List.of());
    // It trusts the real broker; the broker does not trust it.
    Map<String, Object> config = KafkaTlsClient.clientConfig(impostor.trusting(gateway));

    assertThatThrownBy(() -> send(config, Topics.EDGE_SUMMARIES.name(), "impostor"))
        .hasCauseInstanceOf(SslAuthenticationException.class)
        .hasRootCauseInstanceOf(SSLHandshakeException.class);
    assertThat(values(Topics.EDGE_SUMMARIES.name())).doesNotContain("impostor");
  }

  @Test
  void shouldRefuseAGatewayWritingTheGlobalFeatures() {
    assertThatThrownBy(
            () ->
                send(
                    KafkaTlsClient.clientConfig(gateway),
                    Topics.GLOBAL_FEATURES.name(),
                    "forged-threshold"))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    assertThat(values(Topics.GLOBAL_FEATURES.name())).isEmpty();
  }

  @Test
  void shouldRefuseTheAggregatorWritingTheGlobalAggregates() {
    assertThatThrownBy(
            () ->
                send(
                    KafkaTlsClient.clientConfig(aggregator),
                    Topics.GLOBAL_AGGREGATES.name(),
                    "forged-aggregate"))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    assertThat(values(Topics.GLOBAL_AGGREGATES.name())).isEmpty();
  }

  private static void send(Map<String, Object> security, String topic, String value)
      throws Exception {
    Map<String, Object> config = new HashMap<>(security);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, "key", value)).get(20, TimeUnit.SECONDS);
    }
  }

  private static List<String> values(String topic) {
    return TopicReader.readRecords(cluster.clientConfig(), topic).stream()
        .map(record -> new String(record.value()))
        .toList();
  }
}
