package dev.fieldline.edge.io;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One region's cluster and the batch in flight to it. A batch stays with the route it was sent on
 * until Kafka acknowledged every record of it: its idempotent producer keeps retrying with the same
 * sequence numbers, so waiting never writes a record twice, while sending the same records to
 * another region might (they may already be written here). Only records that certainly were not
 * written (no metadata, or refused) are sent again, on this route, after the retry delay.
 */
final class UplinkRoute implements AutoCloseable {
  /** The entry as a Kafka record, with its trace headers when it has a trace context. */
  private static ProducerRecord<String, byte[]> record(OutboxEntry entry) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(entry.topic(), entry.key(), entry.payload());
    TraceContextColumn.addHeaders(entry.traceContext(), record.headers());
    return record;
  }

  private static final Logger log = LoggerFactory.getLogger(UplinkRoute.class);

  final String region;
  private final KafkaProducer<String, byte[]> producer;
  private final ReconnectPolicy retry;
  private final LongAdder failedRounds;

  private List<OutboxEntry> batch = List.of();
  private Future<RecordMetadata>[] acks;
  private int unacknowledged;
  private long sentAt;
  private int round;
  private long resendAt;

  UplinkRoute(
      String region, Map<String, Object> config, ReconnectPolicy retry, LongAdder failedRounds) {
    this.region = region;
    this.retry = retry;
    this.failedRounds = failedRounds;
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  boolean busy() {
    return !batch.isEmpty();
  }

  /** How long the batch in flight has waited for Kafka; 0 when none is. */
  long waitingMillis(long now) {
    return busy() ? now - sentAt : 0;
  }

  /** The highest journal id in flight on this route, or -1. */
  long lastId() {
    return busy() ? batch.get(batch.size() - 1).id() : -1;
  }

  @SuppressWarnings("unchecked")
  void send(List<OutboxEntry> entries) {
    batch = entries;
    acks = new Future[entries.size()];
    unacknowledged = entries.size();
    sentAt = System.currentTimeMillis();
    round = 0;
    sendMissing();
  }

  /**
   * Collects acknowledgements without blocking.
   *
   * @return the batch once Kafka acknowledged all of it (the route is then free), else null
   */
  List<OutboxEntry> poll() {
    if (!busy()) {
      return null;
    }
    if (resendAt != 0) {
      if (System.currentTimeMillis() < resendAt) {
        return null;
      }
      resendAt = 0;
      sendMissing();
    }
    boolean refused = false;
    for (int i = 0; i < acks.length; i++) {
      Future<RecordMetadata> ack = acks[i];
      if (ack == null || ack == DONE || !ack.isDone()) {
        refused |= ack == null;
        continue;
      }
      try {
        ack.get();
        acks[i] = DONE;
        unacknowledged--;
      } catch (ExecutionException e) {
        acks[i] = null;
        refused = true;
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException)) {
          log.error(
              "region {} refused a journaled record; it stays in the journal: {}",
              region,
              e.getCause().toString());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    if (unacknowledged == 0) {
      List<OutboxEntry> done = batch;
      batch = List.of();
      acks = null;
      return done;
    }
    if (refused && allSettled()) {
      resendAt = System.currentTimeMillis() + retry.delay(++round).toMillis();
      failedRounds.increment();
    }
    return null;
  }

  private boolean allSettled() {
    for (Future<RecordMetadata> ack : acks) {
      if (ack != null && ack != DONE && !ack.isDone()) {
        return false;
      }
    }
    return true;
  }

  private void sendMissing() {
    for (int i = 0; i < acks.length; i++) {
      if (acks[i] == null) {
        OutboxEntry entry = batch.get(i);
        Future<RecordMetadata> ack;
        try {
          ack = producer.send(record(entry));
        } catch (KafkaException e) {
          return; // certainly not sent; the next round sends it and the rest
        }
        if (failedAtOnce(ack)) {
          // No metadata within max.block.ms: certainly not sent. The rest would wait as long
          // each, so the whole remainder waits for the next round.
          return;
        }
        acks[i] = ack;
      }
    }
  }

  private static boolean failedAtOnce(Future<RecordMetadata> ack) {
    if (!ack.isDone()) {
      return false;
    }
    try {
      ack.get();
      return false;
    } catch (ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private static final Future<RecordMetadata> DONE =
      java.util.concurrent.CompletableFuture.completedFuture(null);
}
