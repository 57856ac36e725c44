package dev.fieldline.regional.app;

import static dev.fieldline.regional.Summaries.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.regional.health.DeviceHealth;
import dev.fieldline.regional.topology.RegionalTopology;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Device queries answered by either of two instances, for devices owned by either. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class InteractiveQueriesIT {
  private static final int DEVICES = 40;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private EmbeddedKafkaCluster kafka;
  private RegionalAggregator first;
  private RegionalAggregator second;
  private final HttpClient http = HttpClient.newHttpClient();

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

  private RegionalAggregator instance(String name) {
    AggregatorConfig config =
        RegionalAggregatorApp.LOADER.load(
            null,
            Map.of(),
            List.of(
                "region=eu-west",
                "application-id=iq-test",
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.partitions=6",
                "streams.state-dir=" + dir.resolve(name),
                "http.host=127.0.0.1",
                "http.port=0"));
    return new RegionalAggregator(config).start();
  }

  @Test
  void shouldAnswerForDevicesOwnedByEitherInstance() throws Exception {
    kafka = EmbeddedKafkaCluster.start("iq");
    first = instance("first");
    second = instance("second");
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

  private HttpResponse<String> get(RegionalAggregator instance, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.httpPort() + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
