package dev.fieldline.demo;

import dev.fieldline.edge.app.EdgeAgent;
import dev.fieldline.edge.app.EdgeAgentApp;
import dev.fieldline.edge.config.EdgeConfig;
import dev.fieldline.edge.config.RulesFile;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.regional.app.RegionalAggregator;
import dev.fieldline.regional.app.RegionalAggregatorApp;
import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.schema.TopicSetup;
import dev.fieldline.simulator.DeviceType;
import dev.fieldline.simulator.EpisodeSettings;
import dev.fieldline.simulator.PayloadFormat;
import dev.fieldline.simulator.Simulator;
import dev.fieldline.simulator.SimulatorSettings;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One region of the demo, all on loopback: its MQTT broker, its KRaft Kafka cluster with every
 * topic, one edge agent (gateway) and one regional aggregator, and a device fleet.
 */
final class RegionStack implements AutoCloseable {
  final String region;
  final EmbeddedMqttBroker mqtt;
  final EmbeddedKafkaCluster kafka;
  final EdgeAgent edge;
  final RegionalAggregator aggregator;
  final Simulator simulator;

  private RegionStack(
      String region,
      EmbeddedMqttBroker mqtt,
      EmbeddedKafkaCluster kafka,
      EdgeAgent edge,
      RegionalAggregator aggregator,
      Simulator simulator) {
    this.region = region;
    this.mqtt = mqtt;
    this.kafka = kafka;
    this.edge = edge;
    this.aggregator = aggregator;
    this.simulator = simulator;
  }

  /**
   * Starts the region's brokers and services; the fleet is created, not started. With {@code
   * zeroTrust} every hop is mutual TLS with per-identity access rules; null for plaintext.
   */
  static RegionStack start(
      String region,
      DemoSettings settings,
      Path workDir,
      Path rules,
      ZeroTrust zeroTrust,
      OpenTelemetry tracing)
      throws Exception {
    Path dir = Files.createDirectories(workDir.resolve(region));
    EmbeddedMqttBroker mqtt = null;
    EmbeddedKafkaCluster kafka = null;
    EdgeAgent edge = null;
    RegionalAggregator aggregator = null;
    try {
      SimulatorSettings fleet =
          fleet(
                  region,
                  "",
                  settings.devicesPerRegion(),
                  settings.ratePerRegion(),
                  settings.anomalyRate(),
                  settings.malformedRate())
              .withFormat(settings.format());
      String gatewayId = "gw-" + region;
      ZeroTrust.RegionIdentities ids =
          zeroTrust == null ? null : zeroTrust.issue(region, gatewayId, fleet);
      EmbeddedMqttBroker.Builder mqttSettings =
          EmbeddedMqttBroker.builder().dataDirectory(dir.resolve("mqtt"));
      mqtt = (zeroTrust == null ? mqttSettings : zeroTrust.mqttBroker(ids, mqttSettings)).start();
      kafka = zeroTrust == null ? EmbeddedKafkaCluster.start(region) : zeroTrust.kafkaCluster(ids);
      TopicSetup.createMissing(kafka.clientConfig(), 3, (short) 1);
      String mqttUri = zeroTrust == null ? mqtt.serverUri() : mqtt.tlsServerUri();
      List<String> edgeOverrides = new ArrayList<>(List.of("http.host=127.0.0.1", "http.port=0"));
      if (zeroTrust != null) {
        edgeOverrides.addAll(zeroTrust.edgeSettings(ids));
      }
      if (tracing != null) {
        edgeOverrides.addAll(tracingSettings(settings.traceRatio()));
      }
      if (settings.format() == PayloadFormat.SPARKPLUG) {
        // The agent is the host application of every group (a group per site).
        edgeOverrides.addAll(List.of("ingest.sparkplug.enabled=true", "ingest.sparkplug.groups=+"));
      }

      EdgeConfig edgeConfig =
          EdgeAgentApp.loader()
              .load(
                  null,
                  Map.of(),
                  edgeSettings(
                      region,
                      dir.resolve("edge"),
                      rules,
                      mqttUri,
                      kafka.bootstrapServers(),
                      settings.edgeWindow(),
                      edgeOverrides.toArray(String[]::new)));
      edge = new EdgeAgent(edgeConfig, RulesFile.load(rules), tracing).start();

      List<String> aggregatorOverrides =
          new ArrayList<>(
              List.of(
                  "region=" + region,
                  "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                  "kafka.create-topics=false",
                  "streams.state-dir=" + dir.resolve("streams"),
                  "streams.commit-interval=500ms",
                  "windows.size=" + settings.regionalWindow(),
                  "windows.grace=3s",
                  "windows.idle-close=3s",
                  "http.host=127.0.0.1",
                  "http.port=0"));
      if (zeroTrust != null) {
        aggregatorOverrides.addAll(zeroTrust.aggregatorSettings(ids));
      }
      if (tracing != null) {
        aggregatorOverrides.addAll(tracingSettings(settings.traceRatio()));
      }
      if (euStyle(region)) {
        aggregatorOverrides.addAll(euResidency(dir));
      }
      AggregatorConfig aggregatorConfig =
          RegionalAggregatorApp.loader().load(null, Map.of(), aggregatorOverrides);
      if (zeroTrust != null) {
        zeroTrust.grant(
            kafka, ids, aggregatorConfig.effectiveApplicationId(), Demo.GLOBAL_JOB_NAME);
      }
      aggregator = new RegionalAggregator(aggregatorConfig, tracing).start();

      Simulator simulator =
          new Simulator(
              fleet(
                      region,
                      mqttUri,
                      settings.devicesPerRegion(),
                      settings.ratePerRegion(),
                      settings.anomalyRate(),
                      settings.malformedRate())
                  .withFormat(settings.format()),
              zeroTrust == null ? null : zeroTrust.devices());
      return new RegionStack(region, mqtt, kafka, edge, aggregator, simulator);
    } catch (Exception | Error e) {
      closeAll(aggregator, edge, kafka, mqtt);
      throw e;
    }
  }

  /**
   * A region's edge agent on loopback with short windows that still close promptly when devices
   * fall silent; {@code more} are further overrides.
   */
  static List<String> edgeSettings(
      String region,
      Path dataDir,
      Path rules,
      String mqttUri,
      String bootstrap,
      String window,
      String... more) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "gateway-id=gw-" + region,
                "region=" + region,
                "data-dir=" + dataDir,
                "rules-file=" + rules,
                "mqtt.server-uri=" + mqttUri,
                "uplink.bootstrap-servers=" + bootstrap,
                "windows.size=" + window,
                "windows.grace=500ms",
                "windows.idle=2s"));
    settings.addAll(List.of(more));
    return settings;
  }

  /** Regions named eu-* keep identifying data inside, as an EU-style residency policy asks. */
  static boolean euStyle(String region) {
    return region.startsWith("eu-");
  }

  /**
   * An EU-style residency policy: site identifiers leave the region only as pseudonyms (HMAC under
   * a regional secret, made here and kept owner-only in the region's folder), and how many devices
   * a site has (which can single out a household) is dropped.
   */
  private static List<String> euResidency(Path dir) throws java.io.IOException {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    Path file = dir.resolve("residency.secret");
    Files.writeString(file, java.util.HexFormat.of().formatHex(secret));
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return List.of(
        "residency.identifiers=pseudonymize",
        "residency.drop-fields=deviceCount",
        "residency.secret=file:" + file);
  }

  /** Overrides that switch a service's tracing on; the shared OpenTelemetry samples. */
  static List<String> tracingSettings(double ratio) {
    return List.of("tracing.enabled=true", "tracing.sample-ratio=" + ratio);
  }

  /** A region's fleet: every device type, a site per five devices, names prefixed by region. */
  static SimulatorSettings fleet(
      String region,
      String brokerUri,
      int devices,
      double messagesPerSecond,
      double anomalyRate,
      double malformedRate) {
    return new SimulatorSettings(
        brokerUri,
        "simulator-" + region,
        devices,
        Math.max(1, devices / 5),
        region + "-site-",
        region + "-dev-",
        List.of(DeviceType.values()),
        messagesPerSecond,
        anomalyRate,
        malformedRate,
        SimulatorSettings.DEFAULT_TOPIC,
        1000,
        region.hashCode(),
        EPISODES);
  }

  /**
   * Anomaly episodes of every kind, short enough for a one-minute run: each device metric goes
   * through about one every two minutes, lasting 2 to 8 seconds, moving it by 8 noise σ.
   */
  static final EpisodeSettings EPISODES =
      EpisodeSettings.everyKind(5, Duration.ofSeconds(2), Duration.ofSeconds(8), 8);

  @Override
  public void close() {
    closeAll(simulator, aggregator, edge, kafka, mqtt);
  }

  private static void closeAll(AutoCloseable... parts) {
    for (AutoCloseable part : parts) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          // Shutting down: keep closing the rest.
        }
      }
    }
  }
}
