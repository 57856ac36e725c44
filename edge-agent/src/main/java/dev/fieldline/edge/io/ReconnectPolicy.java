package dev.fieldline.edge.io;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code initial × multiplier^(n-1)}, capped
 * at {@code max}, then spread by ±{@code jitter} so that a fleet of gateways does not reconnect in
 * lock-step after a broker or cluster restart.
 *
 * @param initial the first delay
 * @param max the largest delay
 * @param multiplier growth per attempt, at least 1
 * @param jitter fraction of the delay added or removed at random, 0 to 1
 */
public record ReconnectPolicy(Duration initial, Duration max, double multiplier, double jitter) {

  public ReconnectPolicy {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max");
    }
    if (multiplier < 1 || jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("need multiplier >= 1 and 0 <= jitter <= 1");
    }
  }

  public static ReconnectPolicy defaults() {
    return new ReconnectPolicy(Duration.ofMillis(500), Duration.ofSeconds(30), 2.0, 0.2);
  }

  /** The delay before retry number {@code attempt} (1 for the first retry). */
  public Duration delay(int attempt) {
    double base = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(base, max.toMillis());
    double spread = capped * jitter * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return Duration.ofMillis(Math.max(1, Math.round(capped + spread)));
  }
}
