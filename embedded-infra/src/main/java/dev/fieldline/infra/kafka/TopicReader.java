package dev.fieldline.infra.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a whole topic as any client would ({@code read_committed}), up to its current end: the last
 * stable offset of each partition when the read starts. For verifiers that must see everything
 * committed, no more and no less.
 */
public final class TopicReader {
  private TopicReader() {}

  public static List<byte[]> readAll(String bootstrap, String topic) {
    return readRecords(bootstrap, topic).stream().map(ConsumerRecord::value).toList();
  }

  /** Whole records, headers included; none when the topic does not exist. */
  public static List<ConsumerRecord<String, byte[]>> readRecords(String bootstrap, String topic) {
    return readRecords(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), topic);
  }

  /**
   * Whole records, headers included, as the client {@code clientConfig} describes (bootstrap
   * servers and security); none when the topic does not exist.
   */
  public static List<ConsumerRecord<String, byte[]>> readRecords(
      Map<String, Object> clientConfig, String topic) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.putAll(
        Map.of(
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.CLIENT_ID_CONFIG,
            "topic-reader-" + UUID.randomUUID(),
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5_000));
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      var info = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      if (info == null || info.isEmpty()) {
        return records;
      }
      List<TopicPartition> partitions =
          info.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " up to " + end);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          records.add(record);
        }
      }
    }
    return records;
  }
}
