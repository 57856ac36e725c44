package dev.fieldline.global.bench;

import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Watches a topic with read_committed from its beginning and notes when each key first became
 * visible, and how many records came again.
 */
final class VisibilityProbe implements AutoCloseable {
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final AtomicLong duplicates = new AtomicLong();
  private final String backlogPrefix;
  private volatile int backlogSeen;
  private volatile long backlogFirst = Long.MAX_VALUE;
  private volatile long backlogLast = Long.MIN_VALUE;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  /** Watches {@code topic}; keys starting with {@code backlogPrefix} count as the backlog. */
  VisibilityProbe(EmbeddedKafkaCluster cluster, String topic, String backlogPrefix) {
    this.backlogPrefix = backlogPrefix;
    Map<String, Object> config = cluster.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 500);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    thread = new Thread(this::run, "probe-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        var records = consumer.poll(Duration.ofMillis(100));
        long now = System.nanoTime();
        for (var record : records) {
          if (firstSeen.putIfAbsent(record.key(), now) != null) {
            duplicates.incrementAndGet();
          } else if (record.key() != null && record.key().startsWith(backlogPrefix)) {
            backlogFirst = Math.min(backlogFirst, now);
            backlogLast = now;
            backlogSeen++;
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  Long visibleAt(String key) {
    return firstSeen.get(key);
  }

  long duplicates() {
    return duplicates.get();
  }

  /**
   * Waits until {@code count} backlog keys are visible; returns their rate from the first to the
   * last becoming visible, in records per second. Counting happens on the probe's own thread, so
   * waiting costs no CPU the replicators could use.
   */
  double awaitBacklog(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (backlogSeen < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "only " + backlogSeen + " of " + count + " records became visible");
      }
      Thread.sleep(200);
    }
    return (backlogSeen - 1) / Math.max(1e-9, (backlogLast - backlogFirst) / 1e9);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
