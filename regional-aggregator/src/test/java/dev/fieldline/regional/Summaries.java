package dev.fieldline.regional;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import java.time.Instant;

/** Test fixtures: edge summaries and decisions with readable defaults. */
public final class Summaries {
  /** The epoch of every test: a minute boundary. */
  public static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  private Summaries() {}

  /** A 10-second edge summary of {@code values} starting {@code startSecond} seconds after T0. */
  public static EdgeSummary summary(
      String gateway, String site, String device, String type, int startSecond, double... values) {
    return EdgeSummary.newBuilder()
        .setGatewayId(gateway)
        .setSiteId(site)
        .setRegion("eu-west")
        .setDeviceId(device)
        .setDeviceType(type)
        .setMetric("temperature")
        .setWindowStart(T0.plusSeconds(startSecond))
        .setWindowEnd(T0.plusSeconds(startSecond + 10))
        .setStats(RunningStats.of(values).toAvro())
        .setFirstSeq(startSecond * 10L)
        .setLastSeq(startSecond * 10L + values.length - 1)
        .setRejectedCount(1)
        .setFilteredCount(2)
        .setAnomalyCount(values.length > 1 ? 1 : 0)
        .setDecisionCount(0)
        .build();
  }

  public static DecisionEvent decision(String device, long seq, int atSecond) {
    return DecisionEvent.newBuilder()
        .setGatewayId("gw-1")
        .setRegion("eu-west")
        .setSiteId("site-a")
        .setDeviceId(device)
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setValue(90.0 + seq)
        .setRuleId("overheat")
        .setRuleType("threshold")
        .setAction("shutdown")
        .setReason("temperature above 85")
        .setReadingEventTime(T0.plusSeconds(atSecond))
        .setReadingSeq(seq)
        .setDecidedAt(T0.plusSeconds(atSecond).plusMillis(1))
        .setDecisionLatencyNanos(150_000)
        .setFeatureVersion(seq % 2 == 0 ? 4L : null)
        .build();
  }
}
