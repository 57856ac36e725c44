package dev.fieldline.regional.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.regional.app.RegionalAggregatorApp;
import dev.fieldline.regional.residency.ResidencyPolicy;
import dev.fieldline.support.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AggregatorConfigTest {
  @TempDir Path dir;

  @Test
  void shouldLoadTheShippedExampleConfig() throws Exception {
    Path example = Path.of("regional.example.yaml");
    assertThat(example).exists();

    AggregatorConfig config =
        RegionalAggregatorApp.loader()
            .load(example, Map.of("FIELDLINE_RESIDENCY_SECRET", "x"), List.of());

    assertThat(config.region).isEqualTo("eu-west");
    assertThat(config.residency.identifiers).isEqualTo(ResidencyPolicy.Identifiers.PSEUDONYMIZE);
  }

  @Test
  void shouldRunExactlyOnceWithTheAdvertisedQueryEndpoint() {
    AggregatorConfig config =
        RegionalAggregatorApp.loader()
            .load(null, Map.of(), List.of("region=us-east", "http.advertised-host=agg-1"));

    var props = config.streamsProperties(8081);

    assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
        .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(props.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("agg-1:8081");
    assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG))
        .isEqualTo("fieldline-regional-us-east");
  }

  @Test
  void shouldBatchTheProducersUnlessTheClientPropertiesSayOtherwise() {
    var defaults =
        RegionalAggregatorApp.loader()
            .load(null, Map.of(), List.of("region=us-east"))
            .streamsProperties(8081);
    var overridden =
        RegionalAggregatorApp.loader()
            .load(
                null, Map.of(), List.of("region=us-east", "kafka.client.producer.batch.size=16384"))
            .streamsProperties(8081);

    String batchSize = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
    assertThat(defaults.get(batchSize)).isEqualTo(256 * 1024);
    assertThat(defaults.get(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG)))
        .isEqualTo(100);
    assertThat(String.valueOf(overridden.get(batchSize))).isEqualTo("16384");
  }

  @Test
  void shouldNameEveryBadSetting() {
    assertThatThrownBy(
            () ->
                RegionalAggregatorApp.loader()
                    .load(
                        null,
                        Map.of(),
                        List.of(
                            "windows.size=0s",
                            "streams.threads=0",
                            "residency.identifiers=pseudonymize",
                            "residency.drop-fields=stats")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("windows.size")
        .hasMessageContaining("streams.threads")
        .hasMessageContaining("residency.secret")
        .hasMessageContaining("residency.drop-fields");
  }

  @Test
  void shouldReadResidencySecretFromFileOnly() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "a-long-regional-secret-value");
    AggregatorConfig config =
        RegionalAggregatorApp.loader()
            .load(
                null,
                Map.of(),
                List.of("residency.identifiers=pseudonymize", "residency.secret.file=" + secret));

    assertThat(config.toSettings().residency().toString()).doesNotContain("a-long-regional");
    assertThat(config.toSettings().windowSize()).isEqualTo(Duration.ofMinutes(1));
  }
}
