package dev.fieldline.schema;

import dev.fieldline.schema.v1.EdgeSummary;

/**
 * The identity of a record regardless of how often it was sent: what deduplication and every
 * exactly-once check count by.
 */
public final class NaturalKeys {
  private NaturalKeys() {}

  /** A summary is one (gateway, device, metric, window start), however often the edge sent it. */
  public static String of(EdgeSummary summary) {
    return summary.getGatewayId()
        + "|"
        + summary.getDeviceId()
        + "|"
        + summary.getMetric()
        + "|"
        + summary.getWindowStart().toEpochMilli();
  }
}
