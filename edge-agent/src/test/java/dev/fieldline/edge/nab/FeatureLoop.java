package dev.fieldline.edge.nab;

import dev.fieldline.edge.anomaly.FleetNormal;
import dev.fieldline.schema.features.FleetFeatures;
import dev.fieldline.schema.features.HourlyProfile;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The global learning loop for one series, as the pipeline runs it, in event time: the edge
 * summarizes each window (statistics and quantile sketch), the global job merges the latest {@code
 * horizonWindows} of them and the hour-of-day profile with the production feature code ({@link
 * FleetFeatures}: the same quantiles, thresholds and send rule), and an update reaches the detector
 * one window after the window that completed it, as it would after the regional and global tiers.
 * The series is its own fleet.
 */
final class FeatureLoop {
  private final long windowMs;
  private final int horizonWindows;
  private final long minCount;
  private final double tolerance;
  private final long maxIntervalMs;

  private final ArrayDeque<Window> horizon = new ArrayDeque<>();
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
  private final HourlyProfile hourly = new HourlyProfile();
  private Window open;
  private FeatureUpdate lastSent;
  private FleetNormal current;
  private long version;
  private int updates;

  private record Window(long start, RunningStats stats, ValueSketch sketch) {}

  private record Pending(long arrivesAt, FleetNormal normal) {}

  /**
   * @param windowMs the summary window
   * @param horizonWindows windows the features cover
   * @param minCount readings in the horizon before a first update
   * @param tolerance movement (in previous standard deviations) that sends an update
   * @param maxIntervalMs event time after which an update is sent anyway
   */
  FeatureLoop(
      long windowMs, int horizonWindows, long minCount, double tolerance, long maxIntervalMs) {
    this.windowMs = windowMs;
    this.horizonWindows = horizonWindows;
    this.minCount = minCount;
    this.tolerance = tolerance;
    this.maxIntervalMs = maxIntervalMs;
  }

  /** The fleet's normal as the edge holds it at {@code time}, before the reading there is seen. */
  FleetNormal normalAt(long time) {
    while (!inFlight.isEmpty() && inFlight.peekFirst().arrivesAt() <= time) {
      current = inFlight.pollFirst().normal();
    }
    return current;
  }

  /** The edge summarizes the reading (after it was scored). */
  void summarize(double value, long time) {
    long start = Math.floorDiv(time, windowMs) * windowMs;
    if (open != null && open.start() != start) {
      close(open);
      open = null;
    }
    if (open == null) {
      open = new Window(start, new RunningStats(), ValueSketch.empty());
    }
    open.stats().add(value);
    open.sketch().add(value);
  }

  int updates() {
    return updates;
  }

  private void close(Window window) {
    // What crosses the tiers is the encoded sketch, so the loop merges encoded ones as they do.
    Window sent =
        new Window(
            window.start(), window.stats(), ValueSketch.fromBytes(window.sketch().toBytes()));
    horizon.addLast(sent);
    while (horizon.size() > horizonWindows) {
      horizon.removeFirst();
    }
    hourly.add(window.start(), window.stats());
    RunningStats merged = new RunningStats();
    ValueSketch sketch = ValueSketch.empty();
    for (Window w : horizon) {
      merged.merge(w.stats());
      sketch.merge(w.sketch());
    }
    if (merged.count() < minCount) {
      return;
    }
    long horizonEnd = window.start() + windowMs;
    double stddev = FleetFeatures.stddev(merged);
    if (lastSent != null
        && !FleetFeatures.isDue(
            lastSent.getMean(),
            lastSent.getStddev(),
            lastSent.getHorizonEnd().toEpochMilli(),
            merged.mean(),
            stddev,
            horizonEnd,
            tolerance,
            maxIntervalMs)) {
      return;
    }
    lastSent =
        FleetFeatures.build(
            "nab",
            "value",
            ++version,
            horizon.peekFirst().start(),
            horizonEnd,
            merged,
            1,
            sketch,
            hourly,
            List.of("nab"),
            3.0);
    updates++;
    inFlight.addLast(new Pending(horizonEnd + windowMs, FleetNormal.of(lastSent)));
  }
}
