package dev.fieldline.edge.anomaly;

import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.HourProfile;
import java.util.Arrays;

/**
 * The fleet's normal for one device type and metric, as the global job learned it across regions
 * ({@link FeatureUpdate}), in the form a {@link SeriesDetector} reads on every reading: the learned
 * thresholds (from the fleet's quantiles, or its mean and deviation from a job before them) and the
 * mean per hour of the day. Immutable; built once per update and device metric.
 */
public final class FleetNormal {
  /**
   * Devices a fleet needs before its band speaks for a device that has a range of its own: one
   * device's past is already in its own detector, and a handful say little about the next.
   */
  public static final long FLEET = 5;

  final double low;
  final double high;
  final long version;
  final boolean pooled;
  private final float[] hourMean;

  private FleetNormal(double low, double high, long version, boolean pooled, float[] hourMean) {
    this.low = low;
    this.high = high;
    this.version = version;
    this.pooled = pooled;
    this.hourMean = hourMean;
  }

  /** The normal an update describes, or null when it describes none (no usable band). */
  public static FleetNormal of(FeatureUpdate update) {
    if (update == null
        || !(update.getUpperThreshold() > update.getLowerThreshold())
        || !Double.isFinite(update.getLowerThreshold())
        || !Double.isFinite(update.getUpperThreshold())) {
      return null;
    }
    float[] hours = null;
    if (!update.getHourOfDay().isEmpty()) {
      hours = new float[24];
      Arrays.fill(hours, Float.NaN);
      for (HourProfile hour : update.getHourOfDay()) {
        if (hour.getHour() >= 0 && hour.getHour() < 24 && Double.isFinite(hour.getMean())) {
          hours[hour.getHour()] = (float) hour.getMean();
        }
      }
    }
    return new FleetNormal(
        update.getLowerThreshold(),
        update.getUpperThreshold(),
        update.getVersion(),
        update.getDevices() >= FLEET,
        hours);
  }

  /** The feature update's version, carried by the decisions it informed. */
  public long version() {
    return version;
  }

  /** Whether {@code value} lies outside the fleet's learned band. */
  boolean outside(double value) {
    return value < low || value > high;
  }

  /** The fleet's mean in hour {@code hour} of the day (UTC), or NaN when not learned. */
  double hourMean(int hour) {
    return hourMean == null ? Double.NaN : hourMean[hour];
  }
}
