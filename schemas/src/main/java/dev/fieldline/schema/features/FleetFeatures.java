package dev.fieldline.schema.features;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.FeatureQuantile;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link FeatureUpdate} the edges learn from: statistics, quantiles and thresholds of
 * one (device type, metric) over the global job's horizon, and its hour-of-day profile. One place
 * for the global job and for the detection benchmark, which replays the same learning.
 *
 * <p>Thresholds come from the quantiles when the horizon's summaries carried sketches: the band
 * from the {@link #LOW} to the {@link #HIGH} quantile, widened on each side by {@link #MARGIN} of
 * its width (fences in the spirit of Tukey's, on wider quantiles). The data they are learned from
 * holds the anomalies too; quantiles this far in ignore them as long as each tail has less than 5 %
 * of them, where the extreme quantiles would be the anomalies themselves. For Gaussian data the
 * band is the mean plus and minus 4.9 standard deviations: one reading in a million outside.
 * Without sketches (summaries from edges before them), the mean plus and minus {@code
 * thresholdSigmas} standard deviations, as before.
 */
public final class FleetFeatures {
  /** Quantile levels sent, ascending. */
  public static final double[] LEVELS = {0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999};

  public static final double LOW = 0.05;
  public static final double HIGH = 0.95;
  public static final double MARGIN = 1.0;

  private FleetFeatures() {}

  /**
   * @param devices devices behind the horizon (the most any of its windows had)
   * @param sketch the horizon's merged sketch, or null when no summary carried one
   * @param hourly the hour-of-day profile, or null for none
   */
  public static FeatureUpdate build(
      String deviceType,
      String metric,
      long version,
      long horizonStart,
      long horizonEnd,
      RunningStats merged,
      long devices,
      ValueSketch sketch,
      HourlyProfile hourly,
      List<String> regions,
      double thresholdSigmas) {
    double stddev = stddev(merged);
    List<FeatureQuantile> quantiles = new ArrayList<>();
    Double p50 = null;
    Double p99 = null;
    double lower = merged.mean() - thresholdSigmas * stddev;
    double upper = merged.mean() + thresholdSigmas * stddev;
    if (sketch != null && !sketch.isEmpty()) {
      for (double level : LEVELS) {
        quantiles.add(new FeatureQuantile(level, sketch.quantile(level)));
      }
      p50 = sketch.quantile(0.5);
      p99 = sketch.quantile(0.99);
      double low = sketch.quantile(LOW);
      double high = sketch.quantile(HIGH);
      double margin = MARGIN * (high - low);
      lower = low - margin;
      upper = high + margin;
    }
    return FeatureUpdate.newBuilder()
        .setDeviceType(deviceType)
        .setMetric(metric)
        .setVersion(version)
        .setComputedAt(Instant.ofEpochMilli(horizonEnd))
        .setHorizonStart(Instant.ofEpochMilli(horizonStart))
        .setHorizonEnd(Instant.ofEpochMilli(horizonEnd))
        .setCount(merged.count())
        .setMean(merged.mean())
        .setStddev(stddev)
        .setP50(p50)
        .setP99(p99)
        .setLowerThreshold(lower)
        .setUpperThreshold(upper)
        .setRegions(List.copyOf(regions))
        .setDevices(devices)
        .setQuantiles(quantiles)
        .setHourOfDay(hourly == null ? List.of() : hourly.toAvro())
        .build();
  }

  /** The sample standard deviation the features carry; 0 for fewer than two values. */
  public static double stddev(RunningStats stats) {
    return stats.sampleVariance() > 0 ? Math.sqrt(stats.sampleVariance()) : 0.0;
  }

  /**
   * Whether a new update is worth sending: the mean moved by more than {@code tolerance} previous
   * standard deviations, the deviation changed by more than that fraction, or {@code maxIntervalMs}
   * of event time passed since the last one.
   */
  public static boolean isDue(
      double previousMean,
      double previousStddev,
      long previousHorizonEnd,
      double mean,
      double stddev,
      long horizonEnd,
      double tolerance,
      long maxIntervalMs) {
    boolean meanMoved = Math.abs(mean - previousMean) > tolerance * previousStddev;
    boolean spreadMoved = Math.abs(stddev - previousStddev) > tolerance * previousStddev;
    return meanMoved || spreadMoved || horizonEnd - previousHorizonEnd >= maxIntervalMs;
  }
}
