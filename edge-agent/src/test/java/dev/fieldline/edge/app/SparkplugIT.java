package dev.fieldline.edge.app;

import static dev.fieldline.edge.sparkplug.TahuEdgeNode.dbirth;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.ddata;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.ddeath;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.deviceTopic;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.nbirth;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.ndeath;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.nodeTopic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.sparkplug.SparkplugOutcome.Kind;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a Sparkplug B host application for an edge node whose messages Eclipse Tahu's
 * encoder builds, in the shapes of Tahu's examples, through the embedded broker and through
 * Debian's Mosquitto: the host's STATE, births and data by alias to summaries in Kafka, a rule's
 * command back as DCMD, a sequence gap answered with a Rebirth request, a device death, and the
 * node's death as its will.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SparkplugIT {
  private static final String HOST = "fieldline-it";

  @Test
  void shouldServeATahuEdgeNodeThroughTheEmbeddedBroker(@TempDir Path dir) throws Exception {
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start();
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("sparkplug-it")) {
      EdgeFixture.createTopics(kafka);
      serveEdgeNode(dir, broker.serverUri(), kafka);
    }
  }

  @Test
  void shouldServeATahuEdgeNodeThroughMosquitto(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(MosquittoBroker.installed(), "Debian's mosquitto is not installed");
    try (MosquittoBroker mosquitto = MosquittoBroker.start(dir, FreePorts.pick());
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("sparkplug-mosquitto")) {
      EdgeFixture.createTopics(kafka);
      serveEdgeNode(dir, mosquitto.serverUri(), kafka);
    }
  }

  private static void serveEdgeNode(Path dir, String mqtt, EmbeddedKafkaCluster kafka)
      throws Exception {
    Files.createDirectories(dir.resolve("data"));
    List<String> settings =
        EdgeFixture.settings(dir.resolve("data"), mqtt, kafka.bootstrapServers());
    settings.add("ingest.sparkplug.enabled=true");
    settings.add("ingest.sparkplug.host-id=" + HOST);
    List<String> received = new CopyOnWriteArrayList<>();
    List<SparkplugBProto.Payload> commands = new CopyOnWriteArrayList<>();
    try (EdgeAgent agent = EdgeFixture.agent(settings)) {
      await().atMost(Duration.ofSeconds(20)).until(agent::mqttConnected);

      MqttClient node = new MqttClient(mqtt, "tahu-node-1", new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      long now = System.currentTimeMillis();
      MqttMessage will = new MqttMessage(ndeath(0, now));
      will.setQos(1);
      options.setWill(nodeTopic("NDEATH"), will);
      node.setCallback(
          new CallbackAdapter(
              (topic, payload) -> {
                received.add(topic + " " + new String(payload, StandardCharsets.UTF_8));
                if (topic.contains("CMD")) {
                  commands.add(SparkplugBProto.Payload.parseFrom(payload));
                }
              }));
      node.connect(options);
      node.subscribe(
          new String[] {"spBv1.0/STATE/" + HOST, "spBv1.0/plant-1/+/node-1/#"}, new int[] {1, 1});
      // An edge node waits for its primary host to be online (retained STATE).
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> received.stream().anyMatch(m -> m.contains("\"online\":true")));

      publish(node, nodeTopic("NBIRTH"), nbirth(0, 0, now));
      publish(node, deviceTopic("DBIRTH"), dbirth(1, now));
      for (int seq = 2; seq <= 101; seq++) {
        publish(node, deviceTopic("DDATA"), ddata(seq, seq % 25 == 0 ? 95 : 20, now + seq * 10));
      }
      // Four readings broke the overheat rule: each is commanded back as DCMD.
      await().atMost(Duration.ofSeconds(20)).until(() -> commandsNamed(commands, "throttle") == 4);
      assertThat(received)
          .filteredOn(m -> m.startsWith("spBv1.0/plant-1/DCMD/node-1/chiller-1 "))
          .hasSize(4);
      SparkplugBProto.Payload first =
          commands.stream().filter(c -> named(c, "throttle")).findFirst().orElseThrow();
      assertThat(first.getMetricsList())
          .anySatisfy(
              m -> {
                assertThat(m.getName()).isEqualTo("throttle/level");
                assertThat(m.getStringValue()).isEqualTo("50");
              });

      // A gap in the node's sequence: the host asks for a rebirth, and trusts the node again
      // once it is born again (the same bdSeq: a rebirth is not a new session).
      publish(node, deviceTopic("DDATA"), ddata(110, 20, now + 2_000));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> commandsNamed(commands, "Node Control/Rebirth") == 1);
      publish(node, nodeTopic("NBIRTH"), nbirth(0, 0, now + 3_000));
      publish(node, deviceTopic("DBIRTH"), dbirth(1, now + 3_000));
      publish(node, deviceTopic("DDATA"), ddata(2, 21, now + 3_100));
      publish(node, deviceTopic("DDEATH"), ddeath(3, now + 3_200));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> agent.counters().sparkplug(Kind.DEVICE_DEATH) == 1);

      // The node drops off the network: the broker sends its will, the death of its birth.
      node.disconnectForcibly(0, 0, false);
      node.close(true);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> agent.counters().sparkplug(Kind.NODE_DEATH) == 1);

      assertThat(agent.counters().rebirthsRequested.sum()).isEqualTo(1);
      assertThat(agent.counters().sparkplug(Kind.OUT_OF_SEQUENCE)).isEqualTo(1);
      assertThat(agent.counters().sparkplugMetricsIgnored.sum())
          .as("the status strings")
          .isEqualTo(2);
      // Every numeric reading reached Kafka in a summary: temperature 1 + 100 + 1 + 1 and
      // pressure 2 of the device, the supply voltage twice of the node.
      Map<String, Long> counts =
          EdgeFixture.countsByDevice(
              EdgeFixture.readSummaries(
                  kafka.bootstrapServers(),
                  Duration.ofSeconds(60),
                  s ->
                      EdgeFixture.countsByDevice(s).getOrDefault("node-1:chiller-1", 0L) >= 105
                          && EdgeFixture.countsByDevice(s).getOrDefault("node-1", 0L) >= 2));
      assertThat(counts).containsEntry("node-1:chiller-1", 105L).containsEntry("node-1", 2L);
    }
    // The host's own death, retained: a clean stop says so itself.
    assertThat(retainedState(mqtt)).contains("\"online\":false");
  }

  private static String retainedState(String mqtt) throws Exception {
    List<String> states = new CopyOnWriteArrayList<>();
    MqttClient reader = EdgeFixture.device(mqtt, "state-reader");
    reader.setCallback(
        new CallbackAdapter(
            (topic, payload) -> states.add(new String(payload, StandardCharsets.UTF_8))));
    reader.subscribe("spBv1.0/STATE/" + HOST, 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> !states.isEmpty());
    reader.disconnect();
    reader.close();
    return states.get(0);
  }

  private static long commandsNamed(List<SparkplugBProto.Payload> commands, String metric) {
    return commands.stream().filter(c -> named(c, metric)).count();
  }

  private static boolean named(SparkplugBProto.Payload command, String metric) {
    return command.getMetricsList().stream()
        .anyMatch(m -> m.getName().equals(metric) && m.getBooleanValue());
  }

  private static void publish(MqttClient node, String topic, byte[] payload) throws Exception {
    MqttMessage message = new MqttMessage(payload);
    message.setQos(0); // Sparkplug B publishes NBIRTH, DBIRTH, DDATA at QoS 0
    node.publish(topic, message);
  }
}
