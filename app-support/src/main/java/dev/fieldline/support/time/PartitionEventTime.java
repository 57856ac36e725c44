package dev.fieldline.support.time;

import java.util.HashMap;
import java.util.Map;

/**
 * Event time per input partition, for a reader that closes windows on the slowest partition still
 * sending: the regional roll-up over {@code edge.summaries}, the global job over one region's
 * {@code regional.export}.
 *
 * <p>A partition that has sent nothing for the idle time stops holding event time back, so that a
 * partition without data does not stall the reader. That time is measured on an idle clock: the
 * wall clock less the past silences of the whole input beyond {@code countedSilence}. While the
 * input is silent the clock runs (a backlog that is not coming must not hold windows forever), and
 * when the input resumes it steps back by that silence's uncounted part, for every partition alike.
 * Without that, after an outage of the region's edges every partition falls silent together, and
 * the first one back would find the others idle and close the windows their backlogs, replayed a
 * moment later, are about to fill.
 *
 * <p>Not thread-safe: one reader's thread owns it. Times are epoch milliseconds.
 */
public final class PartitionEventTime {
  private final long idle;
  private final long countedSilence;

  /** Highest event time per partition. */
  private final Map<Integer, Long> eventTime = new HashMap<>();

  /** Idle clock when each partition last sent something. */
  private final Map<Integer, Long> heard = new HashMap<>();

  /** Wall clock of the last record from any partition (or of the start). */
  private long lastInput;

  /** Silences of the whole input beyond {@link #countedSilence}, summed. */
  private long paused;

  /**
   * @param idle how long (idle clock) a partition may send nothing before it stops holding event
   *     time back
   * @param countedSilence the most of one silence of the whole input that counts toward a
   *     partition's idle time once the input resumes (at most {@code idle})
   * @param now the wall clock at the start
   */
  public PartitionEventTime(long idle, long countedSilence, long now) {
    if (idle <= 0 || countedSilence < 0 || countedSilence > idle) {
      throw new IllegalArgumentException(
          "need 0 < idle and 0 <= countedSilence <= idle, got " + idle + ", " + countedSilence);
    }
    this.idle = idle;
    this.countedSilence = countedSilence;
    this.lastInput = now;
  }

  /**
   * A record of {@code partition} with {@code time}, read at wall clock {@code now}. Returns
   * whether the partition's event time moved forward.
   */
  public boolean record(int partition, long time, long now) {
    paused += Math.max(0, now - lastInput - countedSilence);
    lastInput = now;
    heard.put(partition, now - paused);
    Long before = eventTime.get(partition);
    if (before == null || time > before) {
      eventTime.put(partition, time);
      return true;
    }
    return false;
  }

  /** A partition's event time restored from state: it gets its whole idle time again. */
  public void restore(int partition, long time, long now) {
    eventTime.merge(partition, time, Math::max);
    heard.put(partition, now - paused);
  }

  /** Whether any partition has been heard from or restored. */
  public boolean isEmpty() {
    return eventTime.isEmpty();
  }

  /**
   * Event time of the slowest partition heard from within the idle time; when every partition is
   * idle, of the fastest one. {@link Long#MIN_VALUE} when there is no partition yet.
   */
  public long slowest(long now) {
    long clock = now - paused;
    long slowest = Long.MAX_VALUE;
    long fastest = Long.MIN_VALUE;
    for (Map.Entry<Integer, Long> partition : eventTime.entrySet()) {
      fastest = Math.max(fastest, partition.getValue());
      if (clock - heard.get(partition.getKey()) < idle) {
        slowest = Math.min(slowest, partition.getValue());
      }
    }
    return slowest == Long.MAX_VALUE ? fastest : slowest;
  }

  /** Whether every known partition has been silent for the idle time (true when none is known). */
  public boolean allIdle(long now) {
    long clock = now - paused;
    for (long last : heard.values()) {
      if (clock - last < idle) {
        return false;
      }
    }
    return true;
  }
}
