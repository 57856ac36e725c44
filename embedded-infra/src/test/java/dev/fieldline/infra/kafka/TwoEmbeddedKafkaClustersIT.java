package dev.fieldline.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.serde.AvroSerde;
import dev.fieldline.schema.v1.Reading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TwoEmbeddedKafkaClustersIT {
  private static final String TOPIC = "readings.test";
  private static final int DEVICES = 20;
  private static final int PER_DEVICE = 150;

  private static EmbeddedKafkaCluster west;
  private static EmbeddedKafkaCluster east;

  @BeforeAll
  static void startClusters() {
    west = EmbeddedKafkaCluster.start("eu-west");
    east = EmbeddedKafkaCluster.start("us-east");
  }

  @AfterAll
  static void stopClusters() {
    if (east != null) {
      east.close();
    }
    if (west != null) {
      west.close();
    }
  }

  @Test
  void shouldRunTwoIndependentClustersOnLoopback() {
    assertThat(west.bootstrapServers()).isNotEqualTo(east.bootstrapServers());
    assertThat(west.clusterId()).isNotEqualTo(east.clusterId());
    assertThat(west.bootstrapServers()).matches("(localhost|127\\.0\\.0\\.1):\\d+(,.*)?");

    west.createTopic("only.in.west", 1, Map.of());

    assertThat(west.topicNames()).contains("only.in.west");
    assertThat(east.topicNames()).doesNotContain("only.in.west");
  }

  @Test
  void shouldCarryEveryAvroRecordOnEachClusterOnceAndInOrder() {
    for (EmbeddedKafkaCluster cluster : List.of(west, east)) {
      cluster.createTopic(TOPIC, 3, Map.of());
      produce(cluster);
    }

    for (EmbeddedKafkaCluster cluster : List.of(west, east)) {
      Map<String, List<Long>> seqsByDevice = consumeAll(cluster);

      assertThat(seqsByDevice).as(cluster.name()).hasSize(DEVICES);
      List<Long> expected = new ArrayList<>();
      for (long seq = 1; seq <= PER_DEVICE; seq++) {
        expected.add(seq);
      }
      seqsByDevice.forEach(
          (device, seqs) ->
              assertThat(seqs)
                  .as(cluster.name() + " " + device)
                  .containsExactlyElementsOf(expected));
      assertThat(seqsByDevice.keySet()).allMatch(d -> d.startsWith(cluster.name()));
    }
  }

  private static void produce(EmbeddedKafkaCluster cluster) {
    Serde<Reading> serde = readingSerde();
    Map<String, Object> config = cluster.clientConfig();
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, Reading> producer =
        new KafkaProducer<>(config, new StringSerializer(), serde.serializer())) {
      for (long seq = 1; seq <= PER_DEVICE; seq++) {
        for (int d = 0; d < DEVICES; d++) {
          Reading reading = reading(cluster.name() + "-dev-" + d, seq);
          producer.send(new ProducerRecord<>(TOPIC, reading.getDeviceId(), reading));
        }
      }
      producer.flush();
    }
  }

  private static Map<String, List<Long>> consumeAll(EmbeddedKafkaCluster cluster) {
    Map<String, Object> config = cluster.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "verifier-" + cluster.name());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    Map<String, List<Long>> seqsByDevice = new HashMap<>();
    int expected = DEVICES * PER_DEVICE;
    int received = 0;
    try (KafkaConsumer<String, Reading> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), readingSerde().deserializer())) {
      consumer.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (received < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Reading> record : consumer.poll(Duration.ofMillis(500))) {
          assertThat(record.key()).isEqualTo(record.value().getDeviceId());
          seqsByDevice
              .computeIfAbsent(record.key(), k -> new ArrayList<>())
              .add(record.value().getSeq());
          received++;
        }
      }
      // One more poll: anything beyond the expected count would be a duplicate.
      for (ConsumerRecord<String, Reading> record : consumer.poll(Duration.ofMillis(500))) {
        seqsByDevice
            .computeIfAbsent(record.key(), k -> new ArrayList<>())
            .add(record.value().getSeq());
      }
    }
    return seqsByDevice;
  }

  private static Serde<Reading> readingSerde() {
    return AvroSerde.of(Reading.class);
  }

  private static Reading reading(String deviceId, long seq) {
    return Reading.newBuilder()
        .setDeviceId(deviceId)
        .setSiteId("site-1")
        .setDeviceType("pump")
        .setMetric("pressure")
        .setValue(seq * 0.5)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + seq))
        .setSeq(seq)
        .build();
  }
}
