package dev.fieldline.global.job;

import dev.fieldline.global.config.GlobalConfig;
import java.io.Serializable;

/**
 * When and how feature updates are computed; see {@link GlobalConfig.Features}.
 *
 * @param horizonWindows how many of the latest global windows the statistics cover
 * @param minCount readings needed in the horizon before the first update
 * @param tolerance movement (in previous standard deviations, or relative for the deviation) that
 *     triggers an update
 * @param maxIntervalMs event time after which an update is sent even without movement
 * @param thresholdSigmas thresholds are mean plus and minus this many standard deviations
 * @param expireAfterMs event time of silence after which the horizon is forgotten
 * @param schemaVersion the FeatureUpdate version written, 1 or 2
 */
public record FeatureSettings(
    int horizonWindows,
    long minCount,
    double tolerance,
    long maxIntervalMs,
    double thresholdSigmas,
    long expireAfterMs,
    int schemaVersion)
    implements Serializable {

  /** Settings that write the current FeatureUpdate version. */
  public FeatureSettings(
      int horizonWindows,
      long minCount,
      double tolerance,
      long maxIntervalMs,
      double thresholdSigmas,
      long expireAfterMs) {
    this(horizonWindows, minCount, tolerance, maxIntervalMs, thresholdSigmas, expireAfterMs, 2);
  }

  public static FeatureSettings from(GlobalConfig.Features features) {
    return new FeatureSettings(
        features.horizonWindows,
        features.minCount,
        features.tolerance,
        features.maxInterval.toMillis(),
        features.thresholdSigmas,
        features.expireAfter.toMillis(),
        features.schemaVersion);
  }
}
