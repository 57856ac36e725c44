package dev.fieldline.global.job;

import dev.fieldline.global.app.GlobalAnalyticsApp;
import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.config.Region;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.kafka.TopicReader;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Two regional Kafka clusters (eu-west, us-east) with every topic, a job config pointing at both,
 * and the producing and {@code read_committed} reading that the job's tests need.
 */
final class TwoRegions implements AutoCloseable {
  static final int PARTITIONS = 3;
  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);

  final EmbeddedKafkaCluster eu;
  final EmbeddedKafkaCluster us;

  TwoRegions() {
    eu = EmbeddedKafkaCluster.start("eu-west");
    us = EmbeddedKafkaCluster.start("us-east");
    GlobalAnalyticsApp.createTopics(config());
  }

  /** The job's config for both regions, with short checkpoints and watermarks for tests. */
  GlobalConfig config() {
    GlobalConfig config = new GlobalConfig();
    config.regions =
        List.of(
            Region.of("eu-west", eu.bootstrapServers()),
            Region.of("us-east", us.bootstrapServers()));
    config.checkpoints.interval = Duration.ofSeconds(1);
    config.checkpoints.minPause = Duration.ofMillis(200);
    config.watermarks.outOfOrderness = Duration.ZERO;
    config.watermarks.idleness = Duration.ofSeconds(5);
    config.features.minCount = 2;
    config.features.horizonWindows = 3;
    config.kafka.partitions = PARTITIONS;
    config.kafka.partitionDiscovery = Duration.ofSeconds(10);
    config.runtime.parallelism = 2;
    config.runtime.restartAttempts = 5;
    config.runtime.restartDelay = Duration.ofMillis(500);
    return config;
  }

  /**
   * The Flink MiniCluster of the job's tests: one TaskManager with two slots (the job runs with
   * parallelism 2), plus any cluster configuration a test needs, e.g. a metrics reporter.
   */
  static MiniClusterExtension miniCluster(Configuration configuration) {
    return new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(configuration)
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());
  }

  EmbeddedKafkaCluster cluster(String region) {
    return region.equals("eu-west") ? eu : us;
  }

  void export(EmbeddedKafkaCluster cluster, List<RegionalAggregate> aggregates) {
    exportTo(cluster, null, aggregates);
  }

  /** Into one partition of the export (null: the key's), as one of the aggregator's tasks does. */
  void exportTo(
      EmbeddedKafkaCluster cluster, Integer partition, List<RegionalAggregate> aggregates) {
    try (var producer = producer(cluster)) {
      for (RegionalAggregate aggregate : aggregates) {
        producer.send(
            new ProducerRecord<>(
                Topics.REGIONAL_EXPORT.name(),
                partition,
                aggregate.getWindowStart().toEpochMilli(),
                aggregate.getKey(),
                AGGREGATES.encode(aggregate)));
      }
    }
  }

  void exportRaw(EmbeddedKafkaCluster cluster, String key, byte[] value) {
    try (var producer = producer(cluster)) {
      producer.send(new ProducerRecord<>(Topics.REGIONAL_EXPORT.name(), key, value));
    }
  }

  /**
   * Writes one aggregate of the device type {@code clock} for {@code windowStart} into every
   * partition of the region's export, so that every partition's watermark passes everything before
   * it and the global windows before it close.
   */
  List<RegionalAggregate> advanceWatermark(
      EmbeddedKafkaCluster cluster, String region, long windowStart) {
    List<RegionalAggregate> ticks = new ArrayList<>();
    try (var producer = producer(cluster)) {
      for (int p = 0; p < PARTITIONS; p++) {
        RegionalAggregate tick =
            Aggregates.deviceType(region, "clock", "tick-" + p, windowStart, 0, 1.0);
        ticks.add(tick);
        producer.send(
            new ProducerRecord<>(
                Topics.REGIONAL_EXPORT.name(),
                p,
                windowStart,
                tick.getKey(),
                AGGREGATES.encode(tick)));
      }
    }
    return ticks;
  }

  /**
   * Reads a topic from the beginning with read_committed until {@code done} holds for what was
   * read, or the timeout passes; returns what was read.
   */
  static List<ConsumerRecord<String, byte[]>> readCommitted(
      EmbeddedKafkaCluster cluster,
      String topic,
      Predicate<List<ConsumerRecord<String, byte[]>>> done,
      Duration timeout) {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (var consumer = consumer(cluster)) {
      assignFromStart(consumer, topic);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(records) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /** Reads everything committed so far: up to each partition's last stable offset. */
  static List<ConsumerRecord<String, byte[]>> readAllCommitted(
      EmbeddedKafkaCluster cluster, String topic) {
    return TopicReader.readRecords(cluster.bootstrapServers(), topic);
  }

  private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafkaCluster cluster) {
    Map<String, Object> config = cluster.clientConfig();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static List<TopicPartition> assignFromStart(
      KafkaConsumer<String, byte[]> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return partitions;
  }

  private static KafkaProducer<String, byte[]> producer(EmbeddedKafkaCluster cluster) {
    Map<String, Object> config = cluster.clientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public void close() {
    eu.close();
    us.close();
  }
}
