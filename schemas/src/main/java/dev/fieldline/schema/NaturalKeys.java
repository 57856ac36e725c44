package dev.fieldline.schema;

import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.RegionalAggregate;

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

  /**
   * An aggregate is one (origin region, scope, key, window start), in its region and in every copy;
   * the window start comes last, after an {@code @}.
   */
  public static String of(RegionalAggregate aggregate) {
    return aggregate.getOriginRegion()
        + "/"
        + aggregate.getScope()
        + "/"
        + aggregate.getKey()
        + "@"
        + aggregate.getWindowStart().toEpochMilli();
  }
}
