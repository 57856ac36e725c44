package dev.fieldline.edge.core.filters;

import java.time.Duration;

/**
 * Filters for the readings of one device type and metric; {@code null} device type or metric
 * matches any. The first spec that matches a reading applies.
 *
 * @param deviceType device type it applies to, or null for all
 * @param metric metric it applies to, or null for all
 * @param min smallest plausible value (inclusive)
 * @param max largest plausible value (inclusive)
 * @param deadband a reading within this distance of the last reported value is dropped
 * @param minInterval a reading closer than this to the previous one (event time) is dropped
 */
public record FilterSpec(
    String deviceType,
    String metric,
    double min,
    double max,
    double deadband,
    Duration minInterval) {

  public static final FilterSpec NONE =
      new FilterSpec(
          null, null, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0, Duration.ZERO);

  public boolean matches(String type, String metricName) {
    return (deviceType == null || deviceType.equals(type))
        && (metric == null || metric.equals(metricName));
  }
}
