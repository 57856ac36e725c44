package dev.fieldline.edge.io;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the journal's outbox into the region's Kafka cluster, oldest first: it sends a batch with
 * an idempotent producer ({@code acks=all}), and only when Kafka acknowledged every record of the
 * batch does it remove them from the journal. While the cluster is unreachable it retries the same
 * batch with backoff, so the outbox grows and then drains in order when the cluster returns. A
 * retry after a lost acknowledgement can repeat a record; the aggregator drops repeats by natural
 * key.
 */
public final class KafkaUplink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaUplink.class);

  /** Whether the last attempt reached Kafka. */
  public enum State {
    STARTING,
    UP,
    DOWN
  }

  private final Journal journal;
  private final JournalWriter writer;
  private final KafkaProducer<String, byte[]> producer;
  private final int batchSize;
  private final ReconnectPolicy retry;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile State state = State.STARTING;
  private volatile long lastSuccessMillis;

  /** Records Kafka acknowledged. */
  public final LongAdder sent = new LongAdder();

  /** Batches that failed and were retried. */
  public final LongAdder failedBatches = new LongAdder();

  public KafkaUplink(
      Journal journal,
      JournalWriter writer,
      Map<String, Object> producerConfig,
      int batchSize,
      ReconnectPolicy retry) {
    this.journal = journal;
    this.writer = writer;
    this.batchSize = batchSize;
    this.retry = retry;
    this.producer =
        new KafkaProducer<>(
            withDefaults(producerConfig), new StringSerializer(), new ByteArraySerializer());
    this.thread = new Thread(this::run, "kafka-uplink");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  static Map<String, Object> withDefaults(Map<String, Object> config) {
    Map<String, Object> all = new java.util.HashMap<>();
    all.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    all.put(ProducerConfig.ACKS_CONFIG, "all");
    all.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    all.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    all.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    all.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    all.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    all.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    all.putAll(config);
    return all;
  }

  public State state() {
    return state;
  }

  public long lastSuccessMillis() {
    return lastSuccessMillis;
  }

  private void run() {
    int failures = 0;
    while (running) {
      try {
        List<OutboxEntry> batch = journal.oldest(batchSize);
        if (batch.isEmpty()) {
          Thread.sleep(20);
          continue;
        }
        if (send(batch)) {
          journal.delete(batch);
          sent.add(batch.size());
          writer.outboxDrained(journal.outboxBytes(), journal.outboxCount());
          if (state != State.UP) {
            log.info("uplink to Kafka is up{}", failures > 0 ? " again; draining the journal" : "");
          }
          state = State.UP;
          lastSuccessMillis = System.currentTimeMillis();
          failures = 0;
        } else {
          failures++;
          failedBatches.increment();
          state = State.DOWN;
          Duration wait = retry.delay(failures);
          if (failures == 1 || failures % 10 == 0) {
            log.warn(
                "uplink to Kafka down ({} failed attempts); {} records wait in the journal;"
                    + " retrying in {} ms",
                failures,
                writer.outboxCount(),
                wait.toMillis());
          }
          Thread.sleep(wait.toMillis());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException e) {
        log.error("cannot read or update the journal outbox", e);
        sleepQuietly(1_000);
      }
    }
  }

  /** Sends the batch and waits for every acknowledgement; false if any record failed. */
  private boolean send(List<OutboxEntry> batch) throws InterruptedException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
    try {
      for (OutboxEntry entry : batch) {
        acks.add(producer.send(new ProducerRecord<>(entry.topic(), entry.key(), entry.payload())));
      }
      producer.flush();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
      return true;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      log.debug("batch not acknowledged", e);
      return false;
    } catch (org.apache.kafka.common.KafkaException e) {
      // e.g. metadata not available within max.block.ms while the cluster is down
      log.debug("batch not sent", e);
      return false;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
    producer.close(Duration.ofSeconds(5));
    journal.close();
  }
}
