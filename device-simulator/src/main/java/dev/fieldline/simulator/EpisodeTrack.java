package dev.fieldline.simulator;

import java.util.Random;
import java.util.function.Consumer;

/**
 * One device metric's episodes: starts them at their kinds' rates, bends the readings while one
 * runs, and hands each finished one to the ledger.
 */
final class EpisodeTrack {
  private final String deviceId;
  private final DeviceType.Metric metric;
  private final EpisodeSettings settings;
  private EpisodeKind kind;
  private long start;
  private long end;
  private long firstSeq;
  private long lastSeq;
  private long lastTime;
  private double sign;
  private double frozen;
  private long previousReading = Long.MIN_VALUE;

  EpisodeTrack(String deviceId, DeviceType.Metric metric, EpisodeSettings settings) {
    this.deviceId = deviceId;
    this.metric = metric;
    this.settings = settings;
  }

  /**
   * The metric's value for the reading {@code seq} at {@code now}.
   *
   * @param phase the device's phase of the daily cycle
   * @param gaussian this reading's standard normal noise draw
   */
  double value(
      long now,
      long seq,
      double phase,
      double gaussian,
      Random random,
      Consumer<Episode> finished) {
    double undisturbed = metric.value(now, phase, gaussian);
    if (kind != null && now > end) {
      finish(finished);
    }
    if (kind == null) {
      maybeStart(now, seq, undisturbed, random);
    }
    previousReading = now;
    if (kind == null) {
      return undisturbed;
    }
    lastSeq = seq;
    lastTime = now;
    double sigma = metric.noise();
    double m = settings.magnitude();
    double value =
        switch (kind) {
          case SPIKE, LEVEL_SHIFT -> undisturbed + sign * m * sigma;
          case DRIFT -> undisturbed + sign * m * sigma * progress(now);
          case STUCK -> frozen;
          case NOISE_BURST -> undisturbed + (m - 1) * sigma * gaussian;
          case BROKEN_CYCLE -> metric.value(now, phase + Math.PI, gaussian);
        };
    if (kind == EpisodeKind.SPIKE) {
      finish(finished); // one reading
    }
    return value;
  }

  private double progress(long now) {
    return end > start ? Math.min(1.0, (now - start) / (double) (end - start)) : 1.0;
  }

  private void maybeStart(long now, long seq, double undisturbed, Random random) {
    if (previousReading == Long.MIN_VALUE || !settings.any()) {
      return; // the first reading has no interval to start an episode in
    }
    double hours = (now - previousReading) / 3_600_000.0;
    double draw = random.nextDouble();
    double cumulative = 0;
    for (EpisodeKind candidate : EpisodeKind.values()) {
      cumulative += settings.perHour().getOrDefault(candidate, 0.0) * hours;
      if (draw < cumulative) {
        kind = candidate;
        start = now;
        long min = settings.minDuration().toMillis();
        long max = settings.maxDuration().toMillis();
        end = now + min + (long) (random.nextDouble() * (max - min));
        firstSeq = seq;
        sign = random.nextBoolean() ? 1 : -1;
        frozen = undisturbed;
        return;
      }
    }
  }

  private void finish(Consumer<Episode> finished) {
    finished.accept(new Episode(deviceId, metric.name(), kind, start, lastTime, firstSeq, lastSeq));
    kind = null;
  }

  /** Ends a running episode with its last reading (the fleet stops). */
  void close(Consumer<Episode> finished) {
    if (kind != null) {
      finish(finished);
    }
  }

  boolean running() {
    return kind != null;
  }
}
