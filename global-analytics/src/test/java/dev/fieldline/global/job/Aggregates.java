package dev.fieldline.global.job;

import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.global.model.GlobalRollup;
import dev.fieldline.global.model.StatsFields;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.time.Instant;

/** Regional aggregates and global roll-ups for tests, built the way the job receives them. */
final class Aggregates {
  static final long MINUTE = 60_000;
  static final long T0 = Instant.parse("2026-11-26T10:00:00Z").toEpochMilli();

  private Aggregates() {}

  static RegionalAggregate deviceType(
      String region,
      String type,
      String metric,
      long windowStart,
      long anomalies,
      double... values) {
    return RegionalAggregate.newBuilder()
        .setRegion(region)
        .setScope(Scope.DEVICE_TYPE)
        .setKey(type + "|" + metric)
        .setSiteId(null)
        .setDeviceType(type)
        .setMetric(metric)
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowStart + MINUTE))
        .setStats(RunningStats.of(values).toAvro())
        .setDeviceCount(2)
        .setAnomalyCount(anomalies)
        .setDecisionCount(anomalies)
        .setRejectedCount(1)
        .setFilteredCount(1)
        .setSummaryCount(2)
        .setOriginRegion(region)
        .build();
  }

  static ExportedAggregate exported(
      String region,
      String type,
      String metric,
      long windowStart,
      long anomalies,
      double... values) {
    RegionalAggregate avro = deviceType(region, type, metric, windowStart, anomalies, values);
    return ExportedAggregate.of(region, avro.getKey(), avro);
  }

  /** A roll-up of one window with the given values, contributed by the given regions. */
  static GlobalRollup rollup(long windowStart, String[] regions, double... values) {
    GlobalRollup rollup = new GlobalRollup();
    rollup.deviceType = "chiller";
    rollup.metric = "temperature";
    rollup.windowStart = windowStart;
    rollup.windowEnd = windowStart + MINUTE;
    rollup.stats = StatsFields.of(RunningStats.of(values));
    rollup.aggregateCount = regions.length;
    rollup.regions = regions;
    return rollup;
  }

  /** n values spread evenly around mean, with the given half-width. */
  static double[] around(double mean, double halfWidth, int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = mean - halfWidth + 2 * halfWidth * i / (n - 1);
    }
    return values;
  }
}
