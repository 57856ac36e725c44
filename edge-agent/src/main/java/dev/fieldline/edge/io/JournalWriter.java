package dev.fieldline.edge.io;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the journal on its own thread, in group commits: the decision thread queues changes and
 * goes on; this thread writes whatever has queued up in one transaction, then publishes how far it
 * got ({@link #committed()}). MQTT messages are acknowledged only once everything they caused is
 * committed, so the broker keeps (and re-sends) whatever the journal does not yet hold.
 *
 * <p>It also keeps the outbox within its bound: past it, the oldest decision events are dropped
 * (counted); when summaries alone fill it, {@link #isFull()} tells the decision thread to stop
 * taking new messages until the uplink drains it.
 */
public final class JournalWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JournalWriter.class);

  private final Journal journal;
  private final long maxOutboxBytes;
  private final int maxBatch;
  private final long commitDelayNanos;

  /**
   * Lock-free, like the hand-off queue: with a {@code LinkedBlockingQueue} the decision thread took
   * the writer's lock to wake it, and waited whenever the writer had been preempted holding it.
   */
  private final SingleConsumerQueue<Queued> queue = new SingleConsumerQueue<>();

  private final AtomicLong committed = new AtomicLong();
  private final Thread thread;
  private long enqueued;
  private volatile boolean running = true;
  private volatile boolean full;

  /**
   * The outbox's depth, counted from what each commit added and each drain or drop removed (as the
   * journal reports them), so that neither this thread nor the uplink ever scans the outbox: with a
   * backlog of hours, one scan took tens of milliseconds per acknowledged batch.
   */
  private final AtomicLong outboxBytes = new AtomicLong();

  private final AtomicLong outboxCount = new AtomicLong();
  private volatile Throwable failure;

  /** Decision events dropped because the outbox was full. */
  public final LongAdder droppedDecisions = new LongAdder();

  /** Transactions written. */
  public final LongAdder commits = new LongAdder();

  private record Queued(long seq, JournalOp op) {}

  private volatile AckQueue acks;

  public JournalWriter(Journal journal, long maxOutboxBytes, int maxBatch) {
    this(journal, maxOutboxBytes, maxBatch, Duration.ZERO);
  }

  /**
   * @param commitDelay how long to gather changes after the first one before committing them (0:
   *     commit at once); see {@link #gather}
   */
  public JournalWriter(Journal journal, long maxOutboxBytes, int maxBatch, Duration commitDelay) {
    this.journal = journal;
    this.maxOutboxBytes = maxOutboxBytes;
    this.maxBatch = maxBatch;
    this.commitDelayNanos = commitDelay.toNanos();
    try {
      this.outboxBytes.set(journal.outboxBytes());
      this.outboxCount.set(journal.outboxCount());
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the journal", e);
    }
    this.thread = new Thread(this::run, "journal-writer");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Acknowledgements to release after each commit. */
  public void releaseAfterCommit(AckQueue acks) {
    this.acks = acks;
  }

  /** Queues a change (decision thread only); returns its sequence number. */
  public long enqueue(JournalOp op) {
    long seq = ++enqueued;
    queue.add(new Queued(seq, op));
    return seq;
  }

  /** The sequence number of the last change queued. */
  public long lastEnqueued() {
    return enqueued;
  }

  /**
   * True while a whole transaction's worth of changes ({@code journal.max-batch}) waits to be
   * committed (decision thread only): queuing more would not make the commits bigger, only hold the
   * changes in memory for longer.
   */
  public boolean isBacklogged() {
    return enqueued - committed.get() >= maxBatch;
  }

  /** Every change up to this sequence number is durable. */
  public long committed() {
    return committed.get();
  }

  public boolean isFull() {
    return full;
  }

  public long outboxBytes() {
    return outboxBytes.get();
  }

  public long outboxCount() {
    return outboxCount.get();
  }

  /** Told by the uplink after it removed entries. */
  void outboxDrained(Journal.OutboxChange removed) {
    outboxCount.addAndGet(-removed.entries());
    long bytes = outboxBytes.addAndGet(-removed.bytes());
    if (full && bytes < maxOutboxBytes * 0.9) {
      full = false;
      log.info("journal below 90% of its bound again: taking messages");
    }
  }

  /** True when the writer stopped on an error it cannot recover from (disk full, corrupt file). */
  public Throwable failure() {
    return failure;
  }

  /** Waits until every change queued so far is committed, or the timeout passes. */
  public boolean flush(long timeoutMillis) throws InterruptedException {
    long target = enqueued;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (committed.get() < target && System.currentTimeMillis() < deadline && failure == null) {
      Thread.sleep(2);
    }
    return committed.get() >= target;
  }

  private void run() {
    List<Queued> batch = new ArrayList<>(maxBatch);
    List<JournalOp> ops = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        AckQueue waiting = acks;
        boolean acksPending = waiting != null && !waiting.isEmpty();
        Queued first = queue.poll(acksPending ? 1 : 50, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (acksPending) {
            // Messages that changed nothing in the journal still wait for their predecessors.
            waiting.release(committed.get());
          }
          continue;
        }
        batch.add(first);
        gather(batch);
        queue.drainTo(batch, maxBatch - batch.size());
        for (Queued q : batch) {
          ops.add(q.op());
        }
        Journal.OutboxChange added = writeWithRetry(ops);
        committed.set(batch.get(batch.size() - 1).seq());
        commits.increment();
        if (acks != null) {
          acks.release(committed.get());
        }
        outboxCount.addAndGet(added.entries());
        if (outboxBytes.addAndGet(added.bytes()) > maxOutboxBytes) {
          enforceBound(); // only near the bound: it scans the outbox
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException e) {
        failure = e;
        log.error("the journal cannot be written; the agent stops taking messages", e);
        return;
      } finally {
        batch.clear();
        ops.clear();
      }
    }
  }

  /**
   * Waits out the commit delay, or until a full batch is queued. A commit costs the writer more
   * than the changes in it (the transaction's locks and its pages in the write-ahead log, mostly
   * system calls); under load without a delay nearly every message is a commit of its own. What
   * waits is the MQTT acknowledgement, never the decision: the delay is what it adds to
   * receipt-to-acknowledgement latency (README, "Commit delay").
   */
  private void gather(List<Queued> batch) {
    if (commitDelayNanos == 0) {
      return;
    }
    long until = System.nanoTime() + commitDelayNanos;
    long left;
    while ((left = until - System.nanoTime()) > 0) {
      queue.drainTo(batch, maxBatch - batch.size());
      if (batch.size() >= maxBatch) {
        return;
      }
      LockSupport.parkNanos(left);
    }
  }

  private Journal.OutboxChange writeWithRetry(List<JournalOp> ops)
      throws SQLException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return journal.write(ops);
      } catch (SQLException e) {
        // SQLITE_BUSY can outlast the busy timeout under a long uplink transaction; retry a few
        // times.
        if (attempt >= 5) {
          throw e;
        }
        log.warn("journal write failed (attempt {}), retrying: {}", attempt, e.getMessage());
        Thread.sleep(100L * attempt);
      }
    }
  }

  private void enforceBound() throws SQLException {
    Journal.OutboxChange dropped = journal.dropDecisionsAbove(maxOutboxBytes);
    if (dropped.entries() > 0) {
      droppedDecisions.add(dropped.entries());
      log.warn("journal full: dropped the {} oldest decision events", dropped.entries());
    }
    outboxCount.addAndGet(-dropped.entries());
    long bytes = outboxBytes.addAndGet(-dropped.bytes());
    boolean nowFull = bytes > maxOutboxBytes;
    if (nowFull && !full) {
      log.error(
          "journal full ({} bytes of summaries awaiting Kafka): not taking new messages until the"
              + " uplink drains it",
          bytes);
    }
    full = nowFull;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }
}
