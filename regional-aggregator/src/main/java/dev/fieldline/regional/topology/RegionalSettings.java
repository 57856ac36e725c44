package dev.fieldline.regional.topology;

import dev.fieldline.regional.residency.ResidencyPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the topology needs to know, already validated.
 *
 * @param region the region this instance runs in, stamped on every aggregate
 * @param windowSize the roll-up window size
 * @param grace how long after a window's end late summaries are still merged
 * @param idleClose when positive, windows also close by wall clock this long after end + grace
 * @param sourceIdle an input partition silent this long (wall clock, a silence of the whole input
 *     counted up to one window) no longer holds windows open
 * @param punctuateEvery how often the wall clock is checked for idle windows
 * @param maxFutureSkew summaries whose window ends further ahead of the clock are dead-lettered
 * @param dedupRetention how long summary keys are remembered for deduplication
 * @param recentDecisions how many recent decisions the health table keeps per device
 * @param residency what may leave the region
 */
public record RegionalSettings(
    String region,
    Duration windowSize,
    Duration grace,
    Duration idleClose,
    Duration sourceIdle,
    Duration punctuateEvery,
    Duration maxFutureSkew,
    Duration dedupRetention,
    int recentDecisions,
    ResidencyPolicy residency) {

  public RegionalSettings {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(residency, "residency");
    if (windowSize.toMillis() <= 0) {
      throw new IllegalArgumentException("windowSize must be positive");
    }
    if (sourceIdle.toMillis() <= 0) {
      throw new IllegalArgumentException("sourceIdle must be positive");
    }
    if (grace.isNegative() || idleClose.isNegative() || maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("grace, idleClose and maxFutureSkew must not be negative");
    }
    if (dedupRetention.compareTo(windowSize.plus(grace)) < 0) {
      throw new IllegalArgumentException("dedupRetention must cover windowSize + grace");
    }
  }

  /** Defaults for tests and the demo: 1-minute windows, 30 s grace, no idle close. */
  public static RegionalSettings defaults(String region) {
    return new RegionalSettings(
        region,
        Duration.ofMinutes(1),
        Duration.ofSeconds(30),
        Duration.ZERO,
        Duration.ofMinutes(2),
        Duration.ofSeconds(1),
        Duration.ofMinutes(5),
        Duration.ofHours(24),
        10,
        ResidencyPolicy.open());
  }

  public RegionalSettings withWindows(Duration size, Duration grace, Duration idleClose) {
    return new RegionalSettings(
        region,
        size,
        grace,
        idleClose,
        sourceIdle,
        punctuateEvery,
        maxFutureSkew,
        dedupRetention,
        recentDecisions,
        residency);
  }

  public RegionalSettings withSourceIdle(Duration idle) {
    return new RegionalSettings(
        region,
        windowSize,
        grace,
        idleClose,
        idle,
        punctuateEvery,
        maxFutureSkew,
        dedupRetention,
        recentDecisions,
        residency);
  }

  public RegionalSettings withResidency(ResidencyPolicy policy) {
    return new RegionalSettings(
        region,
        windowSize,
        grace,
        idleClose,
        sourceIdle,
        punctuateEvery,
        maxFutureSkew,
        dedupRetention,
        recentDecisions,
        policy);
  }

  public RegionalSettings withMaxFutureSkew(Duration skew) {
    return new RegionalSettings(
        region,
        windowSize,
        grace,
        idleClose,
        sourceIdle,
        punctuateEvery,
        skew,
        dedupRetention,
        recentDecisions,
        residency);
  }
}
