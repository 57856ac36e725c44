package dev.fieldline.edge.bench;

import dev.fieldline.edge.app.CallbackAdapter;
import dev.fieldline.edge.io.NoDelaySocketFactory;
import dev.fieldline.edge.io.NoDelaySslSocketFactory;
import dev.fieldline.infra.FreePorts;
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
import java.util.function.IntFunction;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * {@code bench/edge-latency --tls}: what mutual TLS costs the edge. One broker with a plain and a
 * mutual-TLS listener, two agents (one on each, on their own topic trees), the load generator
 * connected to each the same way; each measurement runs plain and TLS one after the other, so both
 * see the same machine.
 */
final class TlsComparison {
  private static final int DEVICES = 200;
  private static final long TEN_MS = 10_000_000L;
  private static final int[] STEPS = {1_000, 2_000, 3_500, 5_000, 7_000, 9_000, 12_000, 15_000};

  private TlsComparison() {}

  /** Plain and TLS at the main rate, and the highest rate each keeps p99 under 10 ms. */
  record Result(LoadRun.Outcome plain, LoadRun.Outcome tls, int plainMax, int tlsMax) {
    String keyValues() {
      return String.format(
          "tls_plain_p50_us=%d tls_plain_p99_us=%d tls_p50_us=%d tls_p99_us=%d"
              + " tls_plain_max_rate=%d tls_max_rate=%d",
          plain.p(50) / 1_000,
          plain.p(99) / 1_000,
          tls.p(50) / 1_000,
          tls.p(99) / 1_000,
          plainMax,
          tlsMax);
    }
  }

  static Result run(Path work, String bootstrap, int rate, double seconds) throws Exception {
    Path dir = Files.createDirectories(work.resolve("tls"));
    CertificateAuthority ca =
        CertificateAuthority.create("bench CA", dir.resolve("pki"), Duration.ofDays(1));
    IssuedIdentity server =
        ca.issue("bench-broker", Role.BROKER, List.of("localhost", "127.0.0.1"));
    IssuedIdentity agentIdentity = ca.issue("bench-agent", Role.GATEWAY, List.of());
    IssuedIdentity load = ca.issue("bench-load", Role.DEVICE, List.of());
    try (EmbeddedMqttBroker broker =
        EmbeddedMqttBroker.builder().tls(MqttTls.mutual(server)).start()) {
      int plainPort = FreePorts.pick();
      int tlsPort = FreePorts.pick();
      Process plainAgent =
          EdgeLatencyBenchmark.startAgent(
              Files.createDirectories(dir.resolve("plain")),
              broker.serverUri(),
              bootstrap,
              plainPort,
              topics("plain"));
      Process tlsAgent = null;
      try {
        List<String> tlsSettings = new java.util.ArrayList<>(topics("tls"));
        tlsSettings.addAll(
            List.of(
                "mqtt.tls.enabled=true",
                "mqtt.tls.truststore=" + agentIdentity.truststore(),
                "mqtt.tls.truststore-password=file:" + agentIdentity.truststorePasswordFile(),
                "mqtt.tls.keystore=" + agentIdentity.keystore(),
                "mqtt.tls.keystore-password=file:" + agentIdentity.keystorePasswordFile()));
        tlsAgent =
            EdgeLatencyBenchmark.startAgent(
                Files.createDirectories(dir.resolve("secure")),
                broker.tlsServerUri(),
                bootstrap,
                tlsPort,
                tlsSettings);
        EdgeLatencyBenchmark.awaitReady(plainPort);
        EdgeLatencyBenchmark.awaitReady(tlsPort);
        SocketFactory plainSockets = new NoDelaySocketFactory(SocketFactory.getDefault());
        SocketFactory tlsSockets =
            new NoDelaySslSocketFactory(load.sslContext().getSocketFactory());
        try (LoadPath plain = new LoadPath("plain", broker.serverUri(), plainSockets);
            LoadPath tls = new LoadPath("tls", broker.tlsServerUri(), tlsSockets)) {
          plain.run(Math.min(rate, 2_000), 3);
          tls.run(Math.min(rate, 2_000), 3);
          LoadRun.Outcome plainAtRate = plain.run(rate, seconds);
          LoadRun.Outcome tlsAtRate = tls.run(rate, seconds);
          EdgeLatencyBenchmark.report("plain", rate, plainAtRate);
          EdgeLatencyBenchmark.report("mutual TLS", rate, tlsAtRate);
          int plainMax = 0;
          int tlsMax = 0;
          for (int step : STEPS) {
            boolean any = false;
            if (plainMax == 0 || plainMax == previous(step)) {
              LoadRun.Outcome o = plain.run(step, 3);
              EdgeLatencyBenchmark.report("plain step", step, o);
              if (o.healthy(TEN_MS)) {
                plainMax = step;
                any = true;
              }
            }
            if (tlsMax == 0 || tlsMax == previous(step)) {
              LoadRun.Outcome o = tls.run(step, 3);
              EdgeLatencyBenchmark.report("TLS step", step, o);
              if (o.healthy(TEN_MS)) {
                tlsMax = step;
                any = true;
              }
            }
            if (!any) {
              break;
            }
          }
          return new Result(plainAtRate, tlsAtRate, plainMax, tlsMax);
        }
      } finally {
        plainAgent.destroy();
        plainAgent.waitFor();
        if (tlsAgent != null) {
          tlsAgent.destroy();
          tlsAgent.waitFor();
        }
      }
    }
  }

  /** The agent's topics under their own root, so that two agents share one broker. */
  private static List<String> topics(String root) {
    return List.of(
        "mqtt.telemetry-topic=" + root + "/sites/{siteId}/devices/{deviceId}/telemetry",
        "commands.topic=" + root + "/sites/{siteId}/devices/{deviceId}/commands",
        "mqtt.client-id=bench-agent-" + root);
  }

  private static int previous(int step) {
    for (int i = 1; i < STEPS.length; i++) {
      if (STEPS[i] == step) {
        return STEPS[i - 1];
      }
    }
    return 0;
  }

  /** One way in (plain or TLS): a publisher, a responder and their load run. */
  private static final class LoadPath implements AutoCloseable {
    private final String root;
    private final LoadRun load = new LoadRun();
    private final MqttAsyncClient publisher;
    private final MqttAsyncClient responses;
    private final long[] seqs = new long[DEVICES];

    LoadPath(String root, String uri, SocketFactory sockets) throws Exception {
      this.root = root;
      publisher = connect(uri, "bench-publisher-" + root, sockets);
      responses = connect(uri, "bench-responses-" + root, sockets);
      responses.setCallback(
          new CallbackAdapter(
              (topic, payload) -> {
                String text = new String(payload, StandardCharsets.UTF_8);
                load.responded(
                    EchoClient.between(text, "\"deviceId\":\"", "\""),
                    Long.parseLong(EchoClient.between(text, "\"readingSeq\":", ",")));
              }));
      responses.subscribe(root + "/sites/+/devices/+/commands", 1).waitForCompletion(10_000);
    }

    LoadRun.Outcome run(int rate, double seconds) throws Exception {
      IntFunction<String> topic =
          d -> root + "/sites/s" + (d % 10) + "/devices/d" + d + "/telemetry";
      return load.run(publisher, topic, DEVICES, seqs, rate, seconds);
    }

    private static MqttAsyncClient connect(String uri, String id, SocketFactory sockets)
        throws Exception {
      MqttAsyncClient client = new MqttAsyncClient(uri, id, new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      options.setReceiveMaximum(65_535);
      options.setSocketFactory(sockets);
      client.connect(options).waitForCompletion(10_000);
      return client;
    }

    @Override
    public void close() throws Exception {
      for (MqttAsyncClient client : List.of(publisher, responses)) {
        client.disconnect().waitForCompletion(5_000);
        client.close();
      }
    }
  }
}
