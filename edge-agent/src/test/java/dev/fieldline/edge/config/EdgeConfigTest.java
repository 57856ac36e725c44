package dev.fieldline.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.edge.app.EdgeAgentApp;
import dev.fieldline.support.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {

  @Test
  void shouldLoadTheShippedExampleWithEveryKeyKnown() {
    EdgeConfig config =
        EdgeAgentApp.loader().load(Path.of("edge.example.yaml"), Map.of(), List.of());

    assertThat(config.mqtt.telemetryTopic).isEqualTo("sites/{siteId}/devices/{deviceId}/telemetry");
    assertThat(config.effectiveClientId()).isEqualTo("fieldline-edge-gateway-1");
    assertThat(config.mqttSettings().subscriptions())
        .containsExactly("sites/+/devices/+/telemetry");
  }

  @Test
  void shouldNameBadSettings() {
    assertThatThrownBy(
            () ->
                EdgeAgentApp.loader()
                    .load(
                        null,
                        Map.of(),
                        List.of(
                            "mqtt.server-uri=ssl://broker:8883",
                            "commands.qos=2",
                            "mqtt.telemetry-topic=devices/telemetry",
                            "windows.size=10ms",
                            "journal.commit-delay=1s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mqtt.tls.enabled")
        .hasMessageContaining("commands.qos")
        .hasMessageContaining("mqtt.telemetry-topic")
        .hasMessageContaining("windows.size")
        .hasMessageContaining("journal.commit-delay: 0 to 100ms (got 1s)");
  }

  @Test
  void shouldCommitTheJournalAtOnceUnlessADelayIsSet() {
    assertThat(EdgeAgentApp.loader().load(null, Map.of(), List.of()).journal.commitDelay).isZero();
    assertThat(
            EdgeAgentApp.loader()
                .load(null, Map.of(), List.of("journal.commit-delay=2ms"))
                .journal
                .commitDelay)
        .isEqualTo(java.time.Duration.ofMillis(2));
  }

  @Test
  void shouldTakeOverridesFromTheEnvironment() {
    EdgeConfig config =
        EdgeAgentApp.loader()
            .load(
                null,
                Map.of("FIELDLINE_EDGE_UPLINK_BOOTSTRAP_SERVERS", "kafka-eu:9092"),
                List.of());

    assertThat(config.kafkaConfig()).containsEntry("bootstrap.servers", "kafka-eu:9092");
  }

  @Test
  void shouldRefuseASecondaryRegionTheResidencySettingDoesNotAllow() {
    List<String> secondary =
        List.of(
            "region=eu-west",
            "uplink.secondary.region=us-east",
            "uplink.secondary.bootstrap-servers=kafka-us:9092");

    assertThatThrownBy(() -> EdgeAgentApp.loader().load(null, Map.of(), secondary))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'us-east' is not in residency.allowed-regions []");

    List<String> allowed = new java.util.ArrayList<>(secondary);
    allowed.add("residency.allowed-regions=eu-central,us-east");
    EdgeConfig config = EdgeAgentApp.loader().load(null, Map.of(), allowed);
    assertThat(config.hasSecondary()).isTrue();
    assertThat(config.secondaryKafkaConfig())
        .containsEntry("bootstrap.servers", "kafka-us:9092")
        .containsEntry("client.id", "fieldline-edge-gateway-1-us-east");
  }

  @Test
  void shouldHaveNoSecondaryByDefault() {
    EdgeConfig config = EdgeAgentApp.loader().load(null, Map.of(), List.of());

    assertThat(config.hasSecondary()).isFalse();
    assertThat(config.residency.allowedRegions).isEmpty();
  }

  @Test
  void shouldReadAVendorMappingFromYaml(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file =
        java.nio.file.Files.writeString(
            dir.resolve("edge.yaml"),
            """
            ingest:
              format: mapped-json
              mapping:
                device-id: /meta/serial
                timestamp: /time
                timestamp-unit: iso-8601
                sequence: /meta/counter
                metrics:
                  temperature: /env/t
                  humidity: /env/rh
            """);

    EdgeConfig config = EdgeAgentApp.loader().load(file, Map.of(), List.of());

    var mapping = config.payloadMapping();
    assertThat(mapping.deviceId()).hasToString("/meta/serial");
    assertThat(mapping.timestampUnit()).isEqualTo(dev.fieldline.edge.core.TimestampUnit.ISO_8601);
    assertThat(mapping.namedMetrics().keySet())
        .containsExactlyInAnyOrder("temperature", "humidity");
    assertThat(config.coreSettings(RulesFile.empty()).payloadMapping()).isEqualTo(mapping);
  }

  @Test
  void shouldRefuseABadMappingOrFormatAtStartNamingTheExpression() {
    assertThatThrownBy(
            () ->
                EdgeAgentApp.loader()
                    .load(
                        null,
                        Map.of(),
                        List.of(
                            "ingest.format=mapped-json",
                            "ingest.mapping.timestamp=time",
                            "ingest.mapping.sequence=/seq",
                            "ingest.mapping.metrics-object=/values")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "ingest.mapping.timestamp: 'time' is not a JSON Pointer (it must start with /)");
    assertThatThrownBy(
            () -> EdgeAgentApp.loader().load(null, Map.of(), List.of("ingest.format=sparkle")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ingest.format: 'sparkle' is not a payload format");
    assertThat(EdgeAgentApp.loader().load(null, Map.of(), List.of()).payloadMapping())
        .as("Fieldline's own payloads by default")
        .isNull();
  }

  @Test
  void shouldLoadTheSparkplugSiteExampleAndSubscribeItsGroup() {
    EdgeConfig config =
        EdgeAgentApp.loader().load(Path.of("edge.sparkplug-site.yaml"), Map.of(), List.of());
    assertThat(config.mqttSettings().subscriptions())
        .containsExactly("sites/+/devices/+/telemetry", "spBv1.0/plant-1/#");
    assertThat(config.mqttSettings().sparkplugHostId()).isEqualTo("fieldline-plant-1");
  }

  @Test
  void shouldRefuseSparkplugGroupsAndHostIdsThatAreNotTopicLevels() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                EdgeAgentApp.loader()
                    .load(
                        null,
                        Map.of(),
                        List.of(
                            "ingest.sparkplug.enabled=true",
                            "ingest.sparkplug.groups=plant/1",
                            "ingest.sparkplug.host-id=host#1",
                            "ingest.sparkplug.booleans=yes")))
        .hasMessageContaining("ingest.sparkplug.groups: 'plant/1' is not a group id")
        .hasMessageContaining("ingest.sparkplug.host-id: 'host#1' is not a host id")
        .hasMessageContaining("ingest.sparkplug.booleans: 'yes' is neither ignore nor reading");
  }

  @Test
  void shouldReadSparkplugBooleansAsReadingsOnlyWhenAsked() {
    EdgeConfig plain = EdgeAgentApp.loader().load(null, Map.of(), List.of());
    EdgeConfig asked =
        EdgeAgentApp.loader().load(null, Map.of(), List.of("ingest.sparkplug.booleans=reading"));
    RulesFile none = RulesFile.empty();
    assertThat(plain.coreSettings(none).sparkplug().booleansAsReadings()).isFalse();
    assertThat(asked.coreSettings(none).sparkplug().booleansAsReadings()).isTrue();
  }
}
