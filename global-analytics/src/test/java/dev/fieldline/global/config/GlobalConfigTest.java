package dev.fieldline.global.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.global.app.GlobalAnalyticsApp;
import dev.fieldline.support.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalConfigTest {
  @TempDir Path dir;

  @Test
  void shouldLoadTheShippedExampleWithSecretsFromTheEnvironmentAndFiles() throws Exception {
    Path password = Files.writeString(dir.resolve("ks"), "keystore-secret\n");
    Path example = dir.resolve("global.yaml");
    Files.writeString(
        example,
        Files.readString(Path.of("global.example.yaml"))
            .replace("/run/secrets/global-eu-keystore-password", password.toString()));

    Map<String, String> environment = Map.of("EU_TRUSTSTORE_PASSWORD", "truststore-secret");
    GlobalConfig config = GlobalAnalyticsApp.loader().load(example, environment, List.of());

    assertThat(config.regions).extracting(r -> r.name).containsExactly("eu-west", "us-east");
    var client = config.regions.get(0).clientProperties(environment);
    assertThat(client)
        .containsEntry("bootstrap.servers", "kafka-eu-1:9092,kafka-eu-2:9092")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.password", "keystore-secret")
        .containsEntry("ssl.truststore.password", "truststore-secret");
    assertThat(config.regions.get(0).toString()).doesNotContain("secret");
  }

  @Test
  void shouldTakeRegionsInShortFormFromTheEnvironmentAndOverrides() {
    GlobalConfig fromEnv =
        GlobalAnalyticsApp.loader()
            .load(
                null,
                Map.of(
                    "FIELDLINE_GLOBAL_REGIONS", "eu-west=localhost:9092, us-east=localhost:9093"),
                List.of());
    GlobalConfig fromSet =
        GlobalAnalyticsApp.loader()
            .load(
                null,
                Map.of(),
                List.of("regions=ap-south=10.0.0.1:9092", "checkpoints.interval=2s"));

    assertThat(fromEnv.regions)
        .extracting(Region::toString)
        .containsExactly("eu-west=localhost:9092", "us-east=localhost:9093");
    assertThat(fromSet.regions).extracting(r -> r.name).containsExactly("ap-south");
    assertThat(fromSet.checkpoints.interval).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void shouldNameEveryProblem() {
    assertThatThrownBy(() -> GlobalAnalyticsApp.loader().load(null, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("regions: at least one region is needed");
    assertThatThrownBy(
            () ->
                GlobalAnalyticsApp.loader()
                    .load(
                        null,
                        Map.of(),
                        List.of("regions=eu=a:1,eu=b:2", "kafka.transaction-timeout=1m")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("regions[1].name: 'eu' appears twice")
        .hasMessageContaining("kafka.transaction-timeout: must exceed");
    assertThatThrownBy(
            () -> GlobalAnalyticsApp.loader().load(null, Map.of(), List.of("regions=nonsense")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected name=bootstrap-servers");
  }
}
