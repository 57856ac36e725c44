package dev.fieldline.edge.io;

import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the region's compacted {@code global.features} topic from the start (no consumer group:
 * every gateway needs every feature) and applies each update to the {@link FeatureBoard}. Kafka's
 * client reconnects by itself while the cluster is unreachable; the board keeps the last values.
 */
public final class FeatureSubscriber implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FeatureSubscriber.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final FeatureBoard board;
  private final Thread thread;
  private volatile boolean running = true;
  public final LongAdder applied = new LongAdder();
  public final LongAdder undecodable = new LongAdder();

  public FeatureSubscriber(Map<String, Object> consumerConfig, FeatureBoard board) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.board = board;
    this.thread = new Thread(this::run, "feature-subscriber");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    var deserializer = Topics.GLOBAL_FEATURES.valueSerde().deserializer();
    try {
      List<TopicPartition> partitions = List.of();
      while (running && partitions.isEmpty()) {
        try {
          partitions =
              consumer.partitionsFor(Topics.GLOBAL_FEATURES.name(), Duration.ofSeconds(10)).stream()
                  .map(p -> new TopicPartition(p.topic(), p.partition()))
                  .toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
          log.debug("global.features not reachable yet");
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() == null) {
            continue;
          }
          try {
            FeatureUpdate update = deserializer.deserialize(record.topic(), record.value());
            if (board.apply(update)) {
              applied.increment();
              log.info(
                  "feature update {}/{} v{}: mean {} stddev {}",
                  update.getDeviceType(),
                  update.getMetric(),
                  update.getVersion(),
                  update.getMean(),
                  update.getStddev());
            }
          } catch (RuntimeException e) {
            undecodable.increment();
            log.warn(
                "ignoring undecodable feature update at offset {}: {}",
                record.offset(),
                e.getMessage());
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("feature subscriber stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
  }
}
