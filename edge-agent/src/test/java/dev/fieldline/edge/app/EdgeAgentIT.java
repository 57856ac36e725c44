package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Readings in over MQTT, commands out for the ones that break a rule, summaries in Kafka. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EdgeAgentIT {
  private static final int DEVICES = 5;
  private static final int READINGS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static EmbeddedMqttBroker broker;
  private static EmbeddedKafkaCluster kafka;

  @BeforeAll
  static void start() {
    broker = EmbeddedMqttBroker.start();
    kafka = EmbeddedKafkaCluster.start("edge-it");
    EdgeFixture.createTopics(kafka);
  }

  @AfterAll
  static void stop() {
    kafka.close();
    broker.close();
  }

  @Test
  void shouldCommandExactlyTheBreakingReadingsAndSummarizeEveryAcceptedOne(@TempDir Path dir)
      throws Exception {
    try (EdgeAgent agent =
        EdgeFixture.agent(
            EdgeFixture.settings(
                dir.resolve("data"), broker.serverUri(), kafka.bootstrapServers()))) {
      await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
      MqttClient device = EdgeFixture.device(broker.serverUri(), "fleet");
      Map<String, List<Long>> commandSeqs = new ConcurrentHashMap<>();
      List<String> commandTopics = new CopyOnWriteArrayList<>();
      device.setCallback(
          new dev.fieldline.edge.app.CallbackAdapter(
              (topic, payload) -> {
                JsonNode command = JSON.readTree(payload);
                commandTopics.add(topic);
                commandSeqs
                    .computeIfAbsent(
                        command.get("deviceId").asText(), d -> new CopyOnWriteArrayList<>())
                    .add(command.get("readingSeq").asLong());
              }));
      device.subscribe("sites/+/devices/+/commands", 1);

      Map<String, List<Long>> expected = new ConcurrentHashMap<>();
      for (long seq = 1; seq <= READINGS; seq++) {
        for (int d = 0; d < DEVICES; d++) {
          String id = "dev-" + d;
          // Every 7th reading (shifted per device) breaks the rule; the next one is normal again.
          boolean hot = (seq + d) % 7 == 0;
          if (hot) {
            expected.computeIfAbsent(id, k -> new ArrayList<>()).add(seq);
          }
          EdgeFixture.publish(
              device, "site-" + (d % 2), id, EdgeFixture.reading(id, seq, hot ? 90 : 20));
        }
        if (seq % 50 == 0) {
          EdgeFixture.publish(device, "site-0", "dev-0", "{oops".getBytes(StandardCharsets.UTF_8));
        }
      }

      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  commandSeqs.values().stream().mapToInt(List::size).sum()
                      >= expected.values().stream().mapToInt(List::size).sum());
      Thread.sleep(500); // anything extra would arrive now
      expected.forEach(
          (id, seqs) -> assertThat(commandSeqs.get(id)).as(id).containsExactlyElementsOf(seqs));
      assertThat(commandSeqs.keySet()).isEqualTo(expected.keySet());
      assertThat(commandTopics)
          .allMatch(t -> t.matches("sites/site-[01]/devices/dev-\\d/commands"));

      List<EdgeSummary> summaries =
          EdgeFixture.readSummaries(
              kafka.bootstrapServers(),
              Duration.ofSeconds(60),
              s ->
                  EdgeFixture.countsByDevice(s).entrySet().stream()
                          .filter(e -> e.getKey().startsWith("dev-")) // the cluster is shared
                          .mapToLong(Map.Entry::getValue)
                          .sum()
                      >= (long) DEVICES * READINGS);
      for (int d = 0; d < DEVICES; d++) {
        assertThat(EdgeFixture.seqProblems(summaries, "dev-" + d, READINGS)).isEmpty();
      }
      assertThat(summaries)
          .allSatisfy(
              s -> {
                assertThat(s.getGatewayId()).isEqualTo("gw-it");
                assertThat(s.getRegion()).isEqualTo("eu-west");
                assertThat(s.getDeviceType()).isEqualTo("chiller");
              });
      long anomalies =
          summaries.stream()
              .filter(s -> s.getDeviceId().startsWith("dev-")) // other tests share the cluster
              .mapToLong(EdgeSummary::getAnomalyCount)
              .sum();
      assertThat(anomalies).isEqualTo(expected.values().stream().mapToInt(List::size).sum());
      assertThat(agent.counters().rejected(RejectReason.MALFORMED)).isEqualTo(READINGS / 50);
      assertThat(agent.counters().accepted.sum()).isEqualTo((long) DEVICES * READINGS);
      device.disconnect();
      device.close();
    }
  }

  /**
   * A vendor's JSON (device in the payload, ISO-8601 time, readings as an array of name/value
   * pairs) read through a mapping in config: the same commands, summaries and dead letters as
   * Fieldline's own payload.
   */
  @Test
  void shouldReadVendorJsonThroughAMapping(@TempDir Path dir) throws Exception {
    List<String> settings =
        EdgeFixture.settings(dir.resolve("data"), broker.serverUri(), kafka.bootstrapServers());
    settings.addAll(
        List.of(
            "ingest.format=mapped-json",
            "ingest.mapping.device-id=/meta/serial",
            "ingest.mapping.device-type=/meta/model",
            "ingest.mapping.timestamp=/time",
            "ingest.mapping.timestamp-unit=iso-8601",
            "ingest.mapping.sequence=/meta/counter",
            "ingest.mapping.metrics-array=/readings",
            "ingest.mapping.metric-name=/name",
            "ingest.mapping.metric-value=/value"));
    int readings = 100;
    try (EdgeAgent agent = EdgeFixture.agent(settings)) {
      await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);
      MqttClient device = EdgeFixture.device(broker.serverUri(), "vendor-fleet");
      List<Long> commanded = new CopyOnWriteArrayList<>();
      device.setCallback(
          new CallbackAdapter(
              (topic, payload) ->
                  commanded.add(JSON.readTree(payload).get("readingSeq").asLong())));
      device.subscribe("sites/+/devices/vendor-1/commands", 1);

      List<Long> hot = new ArrayList<>();
      for (long seq = 1; seq <= readings; seq++) {
        double temperature = seq % 9 == 0 ? 95 : 20;
        if (temperature > 80) {
          hot.add(seq);
        }
        String payload =
            "{\"meta\": {\"serial\": \"vendor-1\", \"model\": \"chiller\", \"counter\": "
                + seq
                + "}, \"time\": \""
                + Instant.now()
                + "\", \"readings\": [{\"name\": \"temperature\", \"value\": "
                + temperature
                + "}]}";
        EdgeFixture.publish(device, "site-v", "vendor-1", payload.getBytes(StandardCharsets.UTF_8));
        if (seq % 25 == 0) { // the vendor's firmware forgets the time now and then
          EdgeFixture.publish(
              device,
              "site-v",
              "vendor-1",
              "{\"meta\": {\"serial\": \"vendor-1\", \"counter\": 9999}, \"readings\": []}"
                  .getBytes(StandardCharsets.UTF_8));
        }
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> commanded.size() >= hot.size());
      Thread.sleep(500);
      assertThat(commanded).containsExactlyElementsOf(hot);
      List<EdgeSummary> summaries =
          EdgeFixture.readSummaries(
              kafka.bootstrapServers(),
              Duration.ofSeconds(60),
              s -> EdgeFixture.countsByDevice(s).getOrDefault("vendor-1", 0L) >= readings);
      assertThat(EdgeFixture.seqProblems(summaries, "vendor-1", readings)).isEmpty();
      assertThat(summaries)
          .filteredOn(s -> s.getDeviceId().equals("vendor-1"))
          .allSatisfy(s -> assertThat(s.getDeviceType()).isEqualTo("chiller"));
      assertThat(agent.counters().rejected(RejectReason.MISSING_FIELD)).isEqualTo(readings / 25);
      device.disconnect();
      device.close();
    }
  }

  @Test
  void shouldApplyFeatureUpdatesFromKafkaToZScoreRules(@TempDir Path dir) throws Exception {
    FeatureUpdate features =
        FeatureUpdate.newBuilder()
            .setDeviceType("chiller")
            .setMetric("temperature")
            .setVersion(5)
            .setComputedAt(Instant.now())
            .setHorizonStart(Instant.now().minusSeconds(600))
            .setHorizonEnd(Instant.now())
            .setCount(1_000)
            .setMean(20)
            .setStddev(1)
            .setLowerThreshold(17)
            .setUpperThreshold(23)
            .build();
    try (KafkaProducer<String, FeatureUpdate> producer =
        new KafkaProducer<>(
            kafka.clientConfig(),
            new StringSerializer(),
            Topics.GLOBAL_FEATURES.valueSerde().serializer())) {
      producer
          .send(
              new ProducerRecord<>(Topics.GLOBAL_FEATURES.name(), "chiller/temperature", features))
          .get();
    }
    Path rules =
        Files.writeString(
            dir.resolve("z.yaml"),
            "rules:\n  - {id: z, type: zscore, metric: temperature, above: 3,"
                + " min-feature-count: 10, action: inspect}\n");
    List<String> settings =
        EdgeFixture.settings(dir.resolve("data"), broker.serverUri(), kafka.bootstrapServers());
    settings.add("rules-file=" + rules);
    try (EdgeAgent agent = EdgeFixture.agent(settings)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  agent.mqttConnected() && agent.features().get("chiller", "temperature") != null);
      MqttClient device = EdgeFixture.device(broker.serverUri(), "z-device");
      List<JsonNode> commands = new CopyOnWriteArrayList<>();
      device.setCallback(
          new CallbackAdapter((topic, payload) -> commands.add(JSON.readTree(payload))));
      device.subscribe("sites/+/devices/+/commands", 1);
      EdgeFixture.publish(device, "s", "z1", EdgeFixture.reading("z1", 1, 20.5));
      EdgeFixture.publish(device, "s", "z1", EdgeFixture.reading("z1", 2, 30));

      await().atMost(Duration.ofSeconds(20)).until(() -> commands.size() == 1);
      assertThat(commands.get(0).get("readingSeq").asLong()).isEqualTo(2);
      assertThat(commands.get(0).get("featureVersion").asLong()).isEqualTo(5);
      device.disconnect();
      device.close();
    }
  }
}
