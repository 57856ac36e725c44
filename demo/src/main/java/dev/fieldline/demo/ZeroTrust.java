package dev.fieldline.demo;

import dev.fieldline.global.config.Region;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.infra.mqtt.MqttAccessPolicy;
import dev.fieldline.infra.mqtt.MqttTls;
import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.HttpTls;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.KafkaTlsClient;
import dev.fieldline.infra.tls.Role;
import dev.fieldline.schema.KafkaAccess;
import dev.fieldline.simulator.DeviceIdentities;
import dev.fieldline.simulator.SimulatorSettings;
import dev.fieldline.support.config.SecretRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.SecurityOptions;

/**
 * The secure demo's identities and rules: a throwaway certificate authority made at start, a
 * certificate for every broker, service, gateway and device, mutual TLS on every hop, and each
 * identity's ACLs. Services get their key material as file paths and their passwords as {@code
 * file:} references, the way production configs give them.
 */
final class ZeroTrust {
  static final String ADMIN = "fieldline-admin";
  static final String GLOBAL_JOB = "global-analytics";
  static final String CONSOLE = "fieldline-demo";
  private static final List<String> LOOPBACK = List.of("localhost", "127.0.0.1");

  private final CertificateAuthority ca;
  private final IssuedIdentity admin;
  private final IssuedIdentity globalJob;
  private final IssuedIdentity console;

  private ZeroTrust(CertificateAuthority ca) {
    this.ca = ca;
    this.admin = ca.issue(ADMIN, Role.ADMIN, List.of());
    // It also serves Flink's REST API, on loopback.
    this.globalJob = ca.issue(GLOBAL_JOB, Role.SERVICE, LOOPBACK);
    this.console = ca.issue(CONSOLE, Role.SERVICE, LOOPBACK);
  }

  /** A new authority in {@code dir}, valid for a day: long enough for any demo run. */
  static ZeroTrust create(Path dir) {
    return new ZeroTrust(CertificateAuthority.create("Fieldline demo CA", dir, Duration.ofDays(1)));
  }

  /** One region's identities: its two brokers, its gateway, its aggregator and every device. */
  record RegionIdentities(
      String region,
      IssuedIdentity mqttBroker,
      IssuedIdentity kafkaBroker,
      IssuedIdentity gateway,
      IssuedIdentity aggregator,
      List<String> sites) {}

  RegionIdentities issue(String region, String gatewayId, SimulatorSettings fleet) {
    List<String> sites = new ArrayList<>();
    for (int i = 0; i < fleet.devices(); i++) {
      ca.issue(fleet.devicePrefix() + String.format("%04d", i), Role.DEVICE, List.of());
      String site = fleet.sitePrefix() + (i % fleet.sites());
      if (!sites.contains(site)) {
        sites.add(site);
      }
    }
    return new RegionIdentities(
        region,
        ca.issue("mqtt-" + region, Role.BROKER, LOOPBACK),
        ca.issue("kafka-" + region, Role.BROKER, LOOPBACK),
        // Both serve their ops port with the same certificate, so it names the loopback host.
        ca.issue(gatewayId, Role.GATEWAY, LOOPBACK),
        ca.issue("aggregator-" + region, Role.SERVICE, LOOPBACK),
        sites);
  }

  /** The region's edge broker: mutual TLS only, the gateway limited to the region's sites. */
  EmbeddedMqttBroker.Builder mqttBroker(RegionIdentities ids, EmbeddedMqttBroker.Builder builder) {
    IssuedIdentity broker = ids.mqttBroker();
    return builder
        .tls(MqttTls.mutual(broker))
        .accessPolicy(MqttAccessPolicy.defaults(Map.of(ids.gateway().name(), ids.sites())));
  }

  /** The region's Kafka cluster: mutual TLS and ACLs, the admin and the broker super users. */
  EmbeddedKafkaCluster kafkaCluster(RegionIdentities ids) {
    return EmbeddedKafkaCluster.startSecure(ids.region(), ids.kafkaBroker(), admin, Map.of());
  }

  /** What the gateway, the aggregator and the global job may do on the region's cluster. */
  void grant(EmbeddedKafkaCluster kafka, RegionIdentities ids, String applicationId, String job) {
    KafkaAccess.grant(kafka.admin(), KafkaAccess.edgeGateway(ids.gateway().name()));
    KafkaAccess.grant(
        kafka.admin(), KafkaAccess.regionalAggregator(ids.aggregator().name(), applicationId));
    KafkaAccess.grant(kafka.admin(), KafkaAccess.globalJob(globalJob.name(), job));
  }

  /** Edge agent overrides: its MQTT identity (client id = certificate name), sites and Kafka. */
  List<String> edgeSettings(RegionIdentities ids) {
    IssuedIdentity gateway = ids.gateway();
    List<String> settings = new ArrayList<>();
    settings.add("mqtt.client-id=" + gateway.name());
    settings.add("mqtt.sites=" + String.join(",", ids.sites()));
    settings.add("mqtt.tls.enabled=true");
    settings.add("mqtt.tls.truststore=" + gateway.truststore());
    settings.add("mqtt.tls.truststore-password=file:" + gateway.truststorePasswordFile());
    settings.add("mqtt.tls.keystore=" + gateway.keystore());
    settings.add("mqtt.tls.keystore-password=file:" + gateway.keystorePasswordFile());
    settings.addAll(kafkaClientSettings("uplink", gateway));
    settings.addAll(HttpTls.settings(gateway));
    return settings;
  }

  /** Aggregator overrides: its Kafka clients' identity and mutual TLS on its HTTP port. */
  List<String> aggregatorSettings(RegionIdentities ids) {
    List<String> settings = new ArrayList<>(kafkaClientSettings("kafka", ids.aggregator()));
    settings.addAll(HttpTls.settings(ids.aggregator()));
    return settings;
  }

  /** The operator, who may call every service's HTTP port (and the demo's trace server). */
  IssuedIdentity admin() {
    return admin;
  }

  /** Another identity of the run's authority, e.g. to show what a role is refused. */
  IssuedIdentity issue(String name, Role role) {
    return ca.issue(name, role, List.of());
  }

  /** The demo's own identity, for its trace server. */
  IssuedIdentity console() {
    return console;
  }

  /** Overrides that give a service's Kafka clients (under {@code prefix}) an identity. */
  static List<String> kafkaClientSettings(String prefix, IssuedIdentity identity) {
    List<String> settings = new ArrayList<>();
    KafkaTlsClient.plainProperties(identity)
        .forEach((key, value) -> settings.add(prefix + ".client." + key + "=" + value));
    KafkaTlsClient.secretFiles(identity)
        .forEach((key, file) -> settings.add(prefix + ".client-secrets." + key + "=file:" + file));
    return settings;
  }

  /** Gives the global job's clients of {@code region} the job's identity. */
  void secure(Region region) {
    region.client.putAll(KafkaTlsClient.plainProperties(globalJob));
    KafkaTlsClient.secretFiles(globalJob)
        .forEach((key, file) -> region.clientSecrets.put(key, SecretRef.fromFile(file)));
  }

  /**
   * Flink's REST API over mutual TLS with the job's certificate, accepting only the admin's (pinned
   * by fingerprint: Flink checks no roles, and any certificate of the authority, a device's
   * included, could otherwise cancel the job).
   */
  void secureFlinkRest(Configuration flink) {
    flink.set(SecurityOptions.SSL_REST_ENABLED, true);
    flink.set(SecurityOptions.SSL_REST_AUTHENTICATION_ENABLED, true);
    flink.set(SecurityOptions.SSL_REST_KEYSTORE, globalJob.keystore().toString());
    flink.set(SecurityOptions.SSL_REST_KEYSTORE_TYPE, "PKCS12");
    flink.set(SecurityOptions.SSL_REST_KEYSTORE_PASSWORD, globalJob.keystorePassword());
    flink.set(SecurityOptions.SSL_REST_KEY_PASSWORD, globalJob.keystorePassword());
    flink.set(SecurityOptions.SSL_REST_TRUSTSTORE, globalJob.truststore().toString());
    flink.set(SecurityOptions.SSL_REST_TRUSTSTORE_TYPE, "PKCS12");
    flink.set(SecurityOptions.SSL_REST_TRUSTSTORE_PASSWORD, globalJob.truststorePassword());
    flink.set(SecurityOptions.SSL_REST_CERT_FINGERPRINT, fingerprint(admin));
    // Flink's default suite (TLS_RSA_WITH_AES_128_CBC_SHA) fits neither the authority's EC keys nor
    // the JDK's disabled algorithms.
    flink.set(SecurityOptions.SSL_PROTOCOL, "TLSv1.2");
    flink.set(
        SecurityOptions.SSL_ALGORITHMS,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  }

  /** SHA-1 of the identity's certificate, as Flink's fingerprint trust manager takes it. */
  private static String fingerprint(IssuedIdentity identity) {
    try (InputStream in = Files.newInputStream(identity.certificatePem())) {
      Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
      return HexFormat.ofDelimiter(":")
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + identity.certificatePem(), e);
    }
  }

  /** Every device's certificate, for the simulator's one-connection-per-device mode. */
  DeviceIdentities devices() {
    return new DeviceIdentities(ca.directory());
  }

  Path directory() {
    return ca.directory();
  }
}
