package dev.fieldline.edge.bench;

import dev.fieldline.edge.io.NoDelaySocketFactory;
import dev.fieldline.edge.io.NoDelaySslSocketFactory;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.infra.mqtt.MqttTls;
import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code bench/edge-latency --tls}: what mutual TLS costs the edge. One broker with a plain and a
 * mutual-TLS listener, an agent and a load generator on each ({@link AgentVariants}).
 */
final class TlsComparison {
  private TlsComparison() {}

  static String run(Path work, String bootstrap, int rate, double seconds) throws Exception {
    Path dir = Files.createDirectories(work.resolve("tls"));
    CertificateAuthority ca =
        CertificateAuthority.create("bench CA", dir.resolve("pki"), Duration.ofDays(1));
    IssuedIdentity server =
        ca.issue("bench-broker", Role.BROKER, List.of("localhost", "127.0.0.1"));
    IssuedIdentity agent = ca.issue("bench-agent", Role.GATEWAY, List.of());
    IssuedIdentity load = ca.issue("bench-load", Role.DEVICE, List.of());
    try (EmbeddedMqttBroker broker =
        EmbeddedMqttBroker.builder().tls(MqttTls.mutual(server)).start()) {
      List<AgentVariants.Result> results =
          AgentVariants.measure(
              dir,
              bootstrap,
              List.of(
                  new AgentVariants.Variant(
                      "plain", broker.serverUri(), new NoDelaySocketFactory(), List.of()),
                  new AgentVariants.Variant(
                      "mtls",
                      broker.tlsServerUri(),
                      new NoDelaySslSocketFactory(load.sslContext().getSocketFactory()),
                      List.of(
                          "mqtt.tls.enabled=true",
                          "mqtt.tls.truststore=" + agent.truststore(),
                          "mqtt.tls.truststore-password=file:" + agent.truststorePasswordFile(),
                          "mqtt.tls.keystore=" + agent.keystore(),
                          "mqtt.tls.keystore-password=file:" + agent.keystorePasswordFile()))),
              rate,
              seconds);
      AgentVariants.Result plain = results.get(0);
      AgentVariants.Result tls = results.get(1);
      return String.format(
          "tls_plain_p50_us=%d tls_plain_p99_us=%d tls_p50_us=%d tls_p99_us=%d"
              + " tls_plain_max_rate=%d tls_max_rate=%d",
          plain.atRate().p(50) / 1_000,
          plain.atRate().p(99) / 1_000,
          tls.atRate().p(50) / 1_000,
          tls.atRate().p(99) / 1_000,
          plain.maxRate(),
          tls.maxRate());
    }
  }
}
