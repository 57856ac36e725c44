package dev.fieldline.edge.io;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the journal's outbox into the region's Kafka cluster, oldest first: it sends a batch with
 * an idempotent producer ({@code acks=all}), and only when Kafka acknowledged every record of the
 * batch does it remove them from the journal. While the cluster is unreachable the producer keeps
 * retrying the batch itself (no delivery timeout), with the same producer sequence numbers, so the
 * broker never stores a record twice; meanwhile the outbox grows, and it drains in order when the
 * cluster returns. Only records that certainly were not written (no metadata, or refused by the
 * broker) are sent again.
 *
 * <p>With a secondary region, once the home region has been unreachable for {@code failoverAfter},
 * later entries go to the secondary while the batch in flight stays with the home region (it may
 * already be written there): every entry reaches exactly one region. When that pinned batch is
 * acknowledged, the home region is back and takes the following entries again.
 */
public final class KafkaUplink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaUplink.class);

  /** Whether the last attempt reached Kafka. */
  public enum State {
    STARTING,
    UP,
    /** The home region is unreachable; entries go to the secondary region. */
    FAILED_OVER,
    DOWN
  }

  /** A secondary region: its name, client properties and how long to wait before using it. */
  public record Secondary(String region, Map<String, Object> config, Duration failoverAfter) {}

  private final Journal journal;
  private final JournalWriter writer;
  private final UplinkRoute home;
  private final UplinkRoute secondary;
  private final long failoverAfterMillis;
  private final int batchSize;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean reachedOnce;
  private volatile boolean failedOver;
  private boolean reportedDown;

  /** A batch unacknowledged for this long means the cluster is unreachable. */
  public static final long STALL_MILLIS = 5_000;

  /** Records Kafka acknowledged, in either region. */
  public final LongAdder sent = new LongAdder();

  /** Records the secondary region acknowledged. */
  public final LongAdder sentToSecondary = new LongAdder();

  /** Times the uplink switched to the secondary region. */
  public final LongAdder failovers = new LongAdder();

  /** Rounds in which records were not written and had to be sent again. */
  public final LongAdder failedBatches = new LongAdder();

  /**
   * @param secondary the failover region, or null for none
   */
  public KafkaUplink(
      Journal journal,
      JournalWriter writer,
      String region,
      Map<String, Object> producerConfig,
      Secondary secondary,
      int batchSize,
      ReconnectPolicy retry) {
    this.journal = journal;
    this.writer = writer;
    this.batchSize = batchSize;
    this.home = new UplinkRoute(region, withDefaults(producerConfig), retry, failedBatches);
    this.secondary =
        secondary == null
            ? null
            : new UplinkRoute(
                secondary.region(), withDefaults(secondary.config()), retry, failedBatches);
    this.failoverAfterMillis =
        secondary == null ? Long.MAX_VALUE : secondary.failoverAfter().toMillis();
    this.thread = new Thread(this::run, "kafka-uplink");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The producer settings the uplink uses: its defaults, overridden by {@code config}. */
  public static Map<String, Object> withDefaults(Map<String, Object> config) {
    Map<String, Object> all = new java.util.HashMap<>();
    all.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    all.put(ProducerConfig.ACKS_CONFIG, "all");
    // zstd, not lz4: Kafka's lz4 stream allocates 64 KiB buffers per batch, which with the small,
    // frequent batches of a gateway was the agent's largest source of garbage (and GC pauses).
    all.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
    all.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // A send waits this long for metadata while a cluster is away, and holds up the uplink
    // thread (and with it a failover) meanwhile; the buffer never fills with our batch sizes.
    all.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
    all.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    // Never give up on a record: a delivery timeout would make a later resend a duplicate.
    all.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    all.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5_000);
    all.putAll(config);
    return all;
  }

  /**
   * DOWN while the home region has kept a batch waiting longer than {@link #STALL_MILLIS} and no
   * secondary takes the data; FAILED_OVER while the secondary does.
   */
  public State state() {
    long now = System.currentTimeMillis();
    if (home.waitingMillis(now) > STALL_MILLIS) {
      boolean secondaryWorks =
          failedOver && secondary != null && secondary.waitingMillis(now) <= STALL_MILLIS;
      return secondaryWorks ? State.FAILED_OVER : State.DOWN;
    }
    return reachedOnce ? State.UP : State.STARTING;
  }

  /** How often the uplink copies the journal's write-ahead log into its database file. */
  static final long CHECKPOINT_EVERY_MILLIS = 250;

  private long checkpointedAt;

  private void run() {
    while (running) {
      try {
        checkpointJournal();
        boolean progressed = collect(home);
        if (secondary != null) {
          progressed |= collect(secondary);
        }
        reportStall();
        UplinkRoute target = target();
        if (target != null) {
          long after = Math.max(home.lastId(), secondary == null ? -1 : secondary.lastId());
          List<OutboxEntry> batch = journal.oldestAfter(after, batchSize);
          if (!batch.isEmpty()) {
            target.send(batch);
            continue;
          }
        }
        if (!progressed) {
          Thread.sleep(pause(target));
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
   * Runs the journal's checkpoints here, off the writer's thread (see {@link
   * Journal#leaveCheckpointsToOthers}), whatever state Kafka is in.
   */
  private void checkpointJournal() throws SQLException {
    long now = System.currentTimeMillis();
    if (now - checkpointedAt >= CHECKPOINT_EVERY_MILLIS) {
      checkpointedAt = now;
      journal.checkpoint();
    }
  }

  /** Short while an acknowledgement is due soon; longer when idle or while a region is away. */
  private long pause(UplinkRoute target) {
    if (target != null) {
      return 20; // the outbox is empty
    }
    return home.waitingMillis(System.currentTimeMillis()) < 1_000 ? 2 : 50;
  }

  /** Removes an acknowledged batch from the journal; true if there was one. */
  private boolean collect(UplinkRoute route) throws SQLException {
    List<OutboxEntry> done = route.poll();
    if (done == null) {
      return false;
    }
    Journal.OutboxChange removed = journal.delete(done);
    sent.add(done.size());
    if (route == secondary) {
      sentToSecondary.add(done.size());
    } else {
      if (!reachedOnce) {
        log.info("uplink to Kafka in region {} is up", home.region);
      }
      reachedOnce = true;
      if (failedOver) {
        failedOver = false;
        log.info(
            "region {} is back; new entries go there again ({} were stored in {})",
            home.region,
            sentToSecondary.sum(),
            secondary.region);
      } else if (reportedDown) {
        log.info("uplink to Kafka in region {} is back; draining the journal", home.region);
      }
      reportedDown = false;
    }
    writer.outboxDrained(removed);
    return true;
  }

  /**
   * The home region when it has no batch in flight; the secondary once the home region's batch has
   * waited {@code failoverAfter} and the secondary is free; otherwise none (wait).
   */
  private UplinkRoute target() {
    if (!home.busy()) {
      return home;
    }
    if (secondary == null
        || secondary.busy()
        || home.waitingMillis(System.currentTimeMillis()) < failoverAfterMillis) {
      return null;
    }
    if (!failedOver) {
      failedOver = true;
      failovers.increment();
      log.warn(
          "region {} unreachable for {} ms: new entries go to region {}; the batch in flight"
              + " stays with {}",
          home.region,
          home.waitingMillis(System.currentTimeMillis()),
          secondary.region,
          home.region);
    }
    return secondary;
  }

  private void reportStall() {
    if (!reportedDown && home.waitingMillis(System.currentTimeMillis()) > STALL_MILLIS) {
      reportedDown = true;
      log.warn(
          "uplink to Kafka in region {} down; {} records wait in the journal{}",
          home.region,
          writer.outboxCount(),
          secondary == null
              ? " and will be sent when it returns"
              : " (failover to " + secondary.region + " after " + failoverAfterMillis + " ms)");
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
    home.close();
    if (secondary != null) {
      secondary.close();
    }
    journal.close();
  }
}
