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
 * batch does it remove them from the journal. While the cluster is unreachable the producer keeps
 * retrying the batch itself (no delivery timeout), with the same producer sequence numbers, so the
 * broker never stores a record twice; meanwhile the outbox grows, and it drains in order when the
 * cluster returns. Only a batch that fails for good (or never got metadata) is sent again, which
 * can repeat a record; the aggregator drops repeats by natural key.
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
  private volatile long pendingSince;

  /** A batch unacknowledged for this long means the cluster is unreachable. */
  static final long STALL_MILLIS = 5_000;

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
    // zstd, not lz4: Kafka's lz4 stream allocates 64 KiB buffers per batch, which with the small,
    // frequent batches of a gateway was the agent's largest source of garbage (and GC pauses).
    all.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    all.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    all.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    all.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    // Never give up on a record: a delivery timeout would make a later resend a duplicate.
    all.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    all.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    all.putAll(config);
    return all;
  }

  /** DOWN also while a batch has waited for Kafka longer than {@link #STALL_MILLIS}. */
  public State state() {
    long since = pendingSince;
    if (since != 0 && System.currentTimeMillis() - since > STALL_MILLIS) {
      return State.DOWN;
    }
    return state;
  }

  private void run() {
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
          if (state == State.STARTING) {
            log.info("uplink to Kafka is up");
          }
          state = State.UP;
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

  /**
   * Sends the batch and waits until Kafka acknowledged every record. A record is sent again only
   * when it certainly was not written (no metadata, or refused by the broker); records the producer
   * is still retrying are waited for, never resent, so the cluster gets each record once.
   *
   * @return false only when the uplink is closing
   */
  private boolean send(List<OutboxEntry> batch) throws InterruptedException {
    pendingSince = System.currentTimeMillis();
    boolean[] acknowledged = new boolean[batch.size()];
    int remaining = batch.size();
    int round = 0;
    while (remaining > 0) {
      List<Future<RecordMetadata>> acks = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Future<RecordMetadata> ack = null;
        if (!acknowledged[i]) {
          OutboxEntry entry = batch.get(i);
          try {
            ack = producer.send(new ProducerRecord<>(entry.topic(), entry.key(), entry.payload()));
          } catch (org.apache.kafka.common.KafkaException e) {
            markDown(); // no metadata within max.block.ms: not sent, try again next round
          }
        }
        acks.add(ack);
      }
      for (int i = 0; i < acks.size(); i++) {
        if (acks.get(i) != null && await(acks.get(i))) {
          acknowledged[i] = true;
          remaining--;
        }
      }
      if (!running) {
        return false;
      }
      if (remaining > 0) {
        failedBatches.increment();
        Thread.sleep(retry.delay(++round).toMillis());
      }
    }
    long waited = System.currentTimeMillis() - pendingSince;
    pendingSince = 0;
    if (state == State.DOWN) {
      log.info("uplink to Kafka is back after {} ms; draining the journal", waited);
    }
    return true;
  }

  /** Waits for one acknowledgement; false when the record was not written. */
  private boolean await(Future<RecordMetadata> ack) throws InterruptedException {
    while (true) {
      try {
        ack.get(5, TimeUnit.SECONDS);
        return true;
      } catch (java.util.concurrent.TimeoutException e) {
        // The producer is still retrying: the cluster is unreachable. Keep waiting.
        markDown();
        if (!running) {
          return false;
        }
      } catch (ExecutionException e) {
        markDown();
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
          log.error(
              "Kafka refused a journaled record; it stays in the journal: {}",
              e.getCause().toString());
        }
        return false;
      }
    }
  }

  private void markDown() {
    if (state != State.DOWN) {
      log.warn(
          "uplink to Kafka down; {} records wait in the journal and will be sent when it returns",
          writer.outboxCount());
    }
    state = State.DOWN;
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
