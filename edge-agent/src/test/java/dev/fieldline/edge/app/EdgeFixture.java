package dev.fieldline.edge.app;

import dev.fieldline.edge.config.EdgeConfig;
import dev.fieldline.edge.config.RulesFile;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.kafka.TopicReader;
import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topic;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** Shared pieces of the edge agent's integration tests: configs, devices, Kafka readers. */
final class EdgeFixture {
  static final String RULES =
      """
      rules:
        - id: overheat
          type: threshold
          metric: temperature
          above: 80
          action: throttle
          args: {level: "50"}
      """;

  private EdgeFixture() {}

  static void createTopics(EmbeddedKafkaCluster kafka) {
    for (Topic<?> topic : Topics.all()) {
      kafka.createTopic(topic.name(), 3, topic.config());
    }
  }

  /** An agent config for tests: 1-second windows, the overheat rule, a free HTTP port. */
  static List<String> settings(Path dataDir, String mqttUri, String bootstrap) throws IOException {
    Path rules =
        Files.writeString(dataDir.resolveSibling(dataDir.getFileName() + "-rules.yaml"), RULES);
    return new ArrayList<>(
        List.of(
            "gateway-id=gw-it",
            "region=eu-west",
            "data-dir=" + dataDir,
            "rules-file=" + rules,
            "mqtt.server-uri=" + mqttUri,
            "uplink.bootstrap-servers=" + bootstrap,
            "windows.size=1s",
            "windows.grace=200ms",
            "http.host=127.0.0.1",
            "http.port=0"));
  }

  static EdgeAgent agent(List<String> settings) throws Exception {
    EdgeConfig config = EdgeAgentApp.loader().load(null, Map.of(), settings);
    return new EdgeAgent(config, RulesFile.load(Path.of(config.rulesFile))).start();
  }

  static MqttClient device(String uri, String clientId) throws MqttException {
    MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    client.connect(options);
    return client;
  }

  static byte[] reading(String device, long seq, double temperature) {
    return ("{\"deviceId\":\""
            + device
            + "\",\"type\":\"chiller\",\"ts\":"
            + System.currentTimeMillis()
            + ",\"seq\":"
            + seq
            + ",\"metrics\":{\"temperature\":"
            + temperature
            + "}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static void publish(MqttClient client, String site, String device, byte[] payload)
      throws MqttException {
    MqttMessage message = new MqttMessage(payload);
    message.setQos(1);
    client.publish("sites/" + site + "/devices/" + device + "/telemetry", message);
  }

  /** Reads every committed summary until {@code done} holds or the timeout passes. */
  static List<EdgeSummary> readSummaries(
      String bootstrap, Duration timeout, java.util.function.Predicate<List<EdgeSummary>> done) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "verifier-" + System.nanoTime());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<EdgeSummary> summaries = new ArrayList<>();
    try (KafkaConsumer<String, EdgeSummary> consumer =
        new KafkaConsumer<>(
            config, new StringDeserializer(), Topics.EDGE_SUMMARIES.valueSerde().deserializer())) {
      consumer.subscribe(List.of(Topics.EDGE_SUMMARIES.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !done.test(summaries)) {
        for (ConsumerRecord<String, EdgeSummary> record : consumer.poll(Duration.ofMillis(300))) {
          summaries.add(record.value());
        }
      }
    }
    return summaries;
  }

  /** Every summary the cluster holds now ({@code read_committed}, up to the end offsets). */
  static List<EdgeSummary> readAllSummaries(String bootstrap) {
    var deserializer = Topics.EDGE_SUMMARIES.valueSerde().deserializer();
    return TopicReader.readAll(bootstrap, Topics.EDGE_SUMMARIES.name()).stream()
        .map(value -> deserializer.deserialize(Topics.EDGE_SUMMARIES.name(), value))
        .toList();
  }

  /** How many copies of each summary (by natural key) arrived; all 1 when nothing was doubled. */
  static Map<String, Integer> copiesPerNaturalKey(List<EdgeSummary> summaries) {
    Map<String, Integer> copies = new HashMap<>();
    summaries.forEach(s -> copies.merge(NaturalKeys.of(s), 1, Integer::sum));
    return copies;
  }

  /** Readings counted per device across summaries. */
  static Map<String, Long> countsByDevice(List<EdgeSummary> summaries) {
    Map<String, Long> counts = new HashMap<>();
    summaries.forEach(s -> counts.merge(s.getDeviceId(), s.getStats().getCount(), Long::sum));
    return counts;
  }

  /**
   * Checks, by sequence numbers, that the distinct summaries of a device cover 1..n exactly once:
   * sorted by first seq, each starts right after the previous one ends. Returns the problems.
   */
  static List<String> seqProblems(List<EdgeSummary> summaries, String device, long n) {
    Map<String, EdgeSummary> distinct = new HashMap<>();
    for (EdgeSummary s : summaries) {
      if (s.getDeviceId().equals(device) && s.getStats().getCount() > 0) {
        distinct.put(s.getGatewayId() + "|" + s.getMetric() + "|" + s.getWindowStart(), s);
      }
    }
    List<EdgeSummary> sorted = new ArrayList<>(distinct.values());
    sorted.sort(java.util.Comparator.comparingLong(EdgeSummary::getFirstSeq));
    List<String> problems = new ArrayList<>();
    long next = 1;
    for (EdgeSummary s : sorted) {
      if (s.getFirstSeq() != next) {
        problems.add(
            device + ": expected seq " + next + " next, summary starts at " + s.getFirstSeq());
      }
      if (s.getLastSeq() - s.getFirstSeq() + 1 != s.getStats().getCount()) {
        problems.add(
            device
                + ": summary "
                + s.getFirstSeq()
                + ".."
                + s.getLastSeq()
                + " counts "
                + s.getStats().getCount());
      }
      next = s.getLastSeq() + 1;
    }
    if (next != n + 1) {
      problems.add(device + ": summaries end at seq " + (next - 1) + ", expected " + n);
    }
    if (!problems.isEmpty()) {
      problems.add(
          device
              + ": summaries cover "
              + sorted.stream().map(x -> x.getFirstSeq() + ".." + x.getLastSeq()).toList());
    }
    return problems;
  }
}
