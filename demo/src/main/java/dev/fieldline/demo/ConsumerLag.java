package dev.fieldline.demo;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group is behind on a topic: the sum over partitions of the end offset minus
 * the group's committed offset. What a tier has not read yet (transaction markers count as records,
 * so an idle exactly-once reader shows a few), as Kafka's own tools report it.
 */
final class ConsumerLag implements AutoCloseable {
  private static final long TIMEOUT_MS = 500;

  private final Admin admin;

  ConsumerLag(Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS * 2);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS * 2);
    this.admin = Admin.create(config);
  }

  /** Records of {@code topic} that {@code group} has not committed, or null when unknown. */
  Long of(String group, String topic) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
      committed.keySet().stream()
          .filter(partition -> partition.topic().equals(topic))
          .forEach(partition -> ends.put(partition, OffsetSpec.latest()));
      if (ends.isEmpty()) {
        return null;
      }
      var latest = admin.listOffsets(ends).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      long lag = 0;
      for (var end : latest.entrySet()) {
        OffsetAndMetadata at = committed.get(end.getKey());
        lag += Math.max(0, end.getValue().offset() - (at == null ? 0 : at.offset()));
      }
      return lag;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null; // a busy broker or a group not there yet: the page shows "-"
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
