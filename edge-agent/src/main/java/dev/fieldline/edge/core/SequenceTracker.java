package dev.fieldline.edge.core;

/**
 * One device's sequence numbers: tells a new message from a duplicate, a late arrival that fills a
 * gap, a stale one and a device restart, and settles gaps as missing once no late arrival may fill
 * them any more.
 *
 * <p>It remembers which of the last {@code allowance} numbers (at most 64) below the highest it has
 * seen, as the bits of one long: constant time, no allocation, 40 bytes a device. A number skipped
 * stays pending while it is within the allowance of the highest; once a newer number pushes it out,
 * or {@link #settle} is called (its window closes), it counts as missing.
 *
 * <p>A number further back than the allowance is a restart when it is at most the allowance itself
 * (the device's counter started over), and stale otherwise: a late duplicate, such as a broker's
 * redelivery after a reconnect, of a number that was either seen or already counted missing.
 */
final class SequenceTracker {
  /** The largest reorder allowance: the bits of one long. */
  static final int MAX_ALLOWANCE = 64;

  /** What one sequence number turned out to be. */
  enum Outcome {
    /** Higher than any before (or the first): process it. */
    NEW,
    /** Within the allowance and not seen before: it fills a gap, process it. */
    LATE,
    /** Seen before: drop it. */
    DUPLICATE,
    /** Further back than the allowance: drop it. */
    STALE,
    /** The device's counter started over: process it; {@link #missing()} settles the old life. */
    RESTART
  }

  private boolean started;
  private long highest;

  /** The first number since (re)start: anything lower predates what this tracker knows. */
  private long floor;

  /** Bit i set: number {@code highest - i} was seen (or lies before what this tracker knows). */
  private long seen;

  /** Numbers settled as missing by the last call. */
  private long missing;

  /**
   * Classifies {@code seq}; afterwards {@link #missing()} tells how many skipped numbers this call
   * settled as missing.
   */
  Outcome observe(long seq, int allowance) {
    missing = 0;
    if (!started) {
      start(seq);
      return Outcome.NEW;
    }
    if (seq > highest) {
      long ahead = seq - highest < 0 ? Long.MAX_VALUE : seq - highest; // overflow: far ahead
      // Skipped numbers that fall out of the allowance at once, then pending ones pushed out.
      long leaving = Math.min(ahead, allowance);
      long leavingMask = window(allowance) & ~window((int) (allowance - leaving));
      missing = Math.max(0, ahead - allowance) + leaving - Long.bitCount(seen & leavingMask);
      seen = ahead >= Long.SIZE ? 1L : (seen << ahead) | 1L;
      highest = seq;
      return Outcome.NEW;
    }
    long behind = highest - seq;
    if (behind >= 0 && behind < allowance) {
      if (seq < floor) {
        return Outcome.STALE;
      }
      long bit = 1L << behind;
      if ((seen & bit) != 0) {
        return Outcome.DUPLICATE;
      }
      seen |= bit;
      return Outcome.LATE;
    }
    if (seq <= allowance) {
      missing = settle(allowance);
      start(seq);
      return Outcome.RESTART;
    }
    return Outcome.STALE;
  }

  /**
   * Counts every number still pending as missing and stops waiting for them.
   *
   * @return how many it settled
   */
  long settle(int allowance) {
    if (!started) {
      return 0;
    }
    long window = window(allowance);
    long pending = Long.bitCount(window) - Long.bitCount(seen & window);
    seen = -1L;
    return pending;
  }

  /** Numbers the last {@link #observe} call settled as missing. */
  long missing() {
    return missing;
  }

  /** True when some skipped number is still pending. */
  boolean hasPending(int allowance) {
    return started && (seen & window(allowance)) != window(allowance);
  }

  /** Resumes after a restart of the agent: every number up to {@code seq} counts as seen. */
  void resumeAt(long seq) {
    if (!started || seq > highest) {
      start(seq);
    }
  }

  long highest() {
    return highest;
  }

  private void start(long seq) {
    started = true;
    highest = seq;
    floor = seq;
    // Numbers before the first one this tracker sees are not its business: the agent may have
    // started while the device was mid-stream.
    seen = -1L;
  }

  private static long window(int bits) {
    return bits >= Long.SIZE ? -1L : (1L << bits) - 1;
  }
}
