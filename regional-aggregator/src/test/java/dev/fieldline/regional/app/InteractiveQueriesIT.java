package dev.fieldline.regional.app;

import static dev.fieldline.regional.Summaries.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.HttpTls;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.Role;
import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.regional.health.DeviceHealth;
import dev.fieldline.regional.topology.RegionalTopology;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device queries answered by either of two instances, for devices owned by either: in plaintext on
 * loopback, and over mutual TLS between the instances and with their callers, where only a data
 * role gets an answer.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InteractiveQueriesIT {
  private static final int DEVICES = 40;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private EmbeddedKafkaCluster kafka;
  private RegionalAggregator first;
  private RegionalAggregator second;
  private HttpClient http = HttpClient.newHttpClient();
  private String scheme = "http";

  @AfterEach
  void stop() {
    for (RegionalAggregator instance : new RegionalAggregator[] {second, first}) {
      if (instance != null) {
        instance.close();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private RegionalAggregator instance(String name, List<String> more) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "region=eu-west",
                "application-id=iq-test",
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.partitions=6",
                "streams.state-dir=" + dir.resolve(name),
                "http.host=127.0.0.1",
                "http.port=0"));
    settings.addAll(more);
    AggregatorConfig config = RegionalAggregatorApp.LOADER.load(null, Map.of(), settings);
    return new RegionalAggregator(config).start();
  }

  @Test
  void shouldAnswerForDevicesOwnedByEitherInstance() throws Exception {
    kafka = EmbeddedKafkaCluster.start("iq");
    first = instance("first", List.of());
    second = instance("second", List.of());
    answerEverywhere();
  }

  @Test
  void shouldAnswerOverMutualTlsOnlyToDataRoles() throws Exception {
    CertificateAuthority ca =
        CertificateAuthority.create("iq CA", dir.resolve("ca"), Duration.ofHours(1));
    List<String> loopback = List.of("localhost", "127.0.0.1");
    IssuedIdentity admin = ca.issue("fieldline-admin", Role.ADMIN, List.of());
    IssuedIdentity device = ca.issue("dev-1", Role.DEVICE, List.of());
    IssuedIdentity gateway = ca.issue("gw-1", Role.GATEWAY, List.of());
    IssuedIdentity intruder =
        CertificateAuthority.create("other CA", dir.resolve("other"), Duration.ofHours(1))
            .issue("aggregator-eu-west", Role.SERVICE, loopback)
            .trusting(admin);
    kafka = EmbeddedKafkaCluster.start("iq");
    first = instance("first", HttpTls.settings(ca.issue("aggregator-1", Role.SERVICE, loopback)));
    second = instance("second", HttpTls.settings(ca.issue("aggregator-2", Role.SERVICE, loopback)));
    scheme = "https";
    http = client(admin.sslContext());
    answerEverywhere();

    String owned = "dev-0";
    for (RegionalAggregator asked : List.of(first, second)) {
      // A device or a gateway of the same authority: past the handshake, refused the data, also
      // when it poses as a forwarding instance.
      for (IssuedIdentity refused : List.of(device, gateway)) {
        http = client(refused.sslContext());
        for (String path : List.of("/devices/" + owned, "/sites/site-0/devices")) {
          HttpResponse<String> answer = get(asked, path, "X-Fieldline-Forwarded", "1");
          assertThat(answer.statusCode()).as(refused.name() + " " + path).isEqualTo(403);
          assertThat(answer.body()).doesNotContain("temperature", "site-0\"");
        }
      }
      // An instance of another authority, forwarding: no handshake, no data.
      http = client(intruder.sslContext());
      assertThatThrownBy(() -> get(asked, "/devices/" + owned, "X-Fieldline-Forwarded", "1"))
          .isInstanceOf(IOException.class);
      // No certificate, and plaintext to the TLS port.
      http = client(admin.sslContext(false));
      assertThatThrownBy(() -> get(asked, "/devices/" + owned)).isInstanceOf(IOException.class);
      scheme = "http";
      http = HttpClient.newHttpClient();
      assertThatThrownBy(() -> get(asked, "/devices/" + owned)).isInstanceOf(IOException.class);
      scheme = "https";
    }
  }

  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
  }

  private void answerEverywhere() throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> first.health().ready() && second.health().ready());

    try (KafkaProducer<String, EdgeSummary> producer =
        new KafkaProducer<>(
            kafka.clientConfig(),
            new StringSerializer(),
            Topics.EDGE_SUMMARIES.valueSerde().serializer())) {
      for (int d = 0; d < DEVICES; d++) {
        EdgeSummary s = summary("gw-1", "site-" + (d % 2), "dev-" + d, "chiller", 0, d);
        producer.send(new ProducerRecord<>(Topics.EDGE_SUMMARIES.name(), s.getDeviceId(), s));
      }
    }

    Set<Integer> owners = new HashSet<>();
    for (int d = 0; d < DEVICES; d++) {
      String device = "dev-" + d;
      KeyQueryMetadata owner =
          first
              .streams()
              .queryMetadataForKey(
                  RegionalTopology.DEVICE_HEALTH_STORE, device, new StringSerializer());
      owners.add(owner.activeHost().port());
      for (RegionalAggregator asked : List.of(first, second)) {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> get(asked, "/devices/" + device).statusCode() == 200);
        DeviceHealth health =
            JSON.readValue(get(asked, "/devices/" + device).body(), DeviceHealth.class);
        assertThat(health.deviceId).isEqualTo(device);
        assertThat(health.siteId).isEqualTo("site-" + (d % 2));
        assertThat(health.metrics.get("temperature").mean).isEqualTo(d);
      }
    }
    assertThat(owners).as("both instances own some devices").hasSize(2);

    for (RegionalAggregator asked : List.of(first, second)) {
      DeviceHealth[] site =
          JSON.readValue(get(asked, "/sites/site-1/devices").body(), DeviceHealth[].class);
      assertThat(site).hasSize(DEVICES / 2).allMatch(h -> h.siteId.equals("site-1"));
    }
    assertThat(get(first, "/devices/nobody").statusCode()).isEqualTo(404);
    assertThat(get(second, "/devices/nobody").statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> get(RegionalAggregator instance, String path, String... header)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + instance.httpPort() + path))
            .timeout(Duration.ofSeconds(5));
    if (header.length == 2) {
      request.header(header[0], header[1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
