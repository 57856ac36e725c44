package dev.fieldline.global.model;

import dev.fieldline.schema.v1.GlobalAggregate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The global roll-up of one (device type, metric) and window, merged from every region's
 * device-type aggregates; also the accumulator that builds it. A Flink POJO.
 */
public class GlobalRollup {
  public String deviceType;
  public String metric;
  public long windowStart;
  public long windowEnd;
  public StatsFields stats = new StatsFields();
  public long deviceCount;
  public long anomalyCount;
  public long decisionCount;
  public long rejectedCount;
  public long filteredCount;
  public long missingCount;
  public long restartCount;
  public long summaryCount;
  public long aggregateCount;

  /** Every region's quantile sketch merged, encoded; null while none carried one. */
  public byte[] sketch;

  /** Contributing regions, sorted. */
  public String[] regions = new String[0];

  public GlobalRollup() {}

  /** Adds one region's aggregate (statistics merged, counts summed). */
  public GlobalRollup add(ExportedAggregate aggregate) {
    deviceType = aggregate.deviceType;
    metric = aggregate.metric;
    stats = stats.merge(aggregate.stats);
    deviceCount += aggregate.deviceCount;
    anomalyCount += aggregate.anomalyCount;
    decisionCount += aggregate.decisionCount;
    rejectedCount += aggregate.rejectedCount;
    filteredCount += aggregate.filteredCount;
    missingCount += aggregate.missingCount;
    restartCount += aggregate.restartCount;
    summaryCount += aggregate.summaryCount;
    sketch = SketchBytes.merge(sketch, aggregate.sketch);
    aggregateCount++;
    regions = withRegion(regions, aggregate.originRegion);
    return this;
  }

  /** Merges another partial roll-up into this one. */
  public GlobalRollup merge(GlobalRollup other) {
    if (deviceType == null) {
      deviceType = other.deviceType;
      metric = other.metric;
    }
    stats = stats.merge(other.stats);
    deviceCount += other.deviceCount;
    anomalyCount += other.anomalyCount;
    decisionCount += other.decisionCount;
    rejectedCount += other.rejectedCount;
    filteredCount += other.filteredCount;
    missingCount += other.missingCount;
    restartCount += other.restartCount;
    summaryCount += other.summaryCount;
    aggregateCount += other.aggregateCount;
    sketch = SketchBytes.merge(sketch, other.sketch);
    for (String region : other.regions) {
      regions = withRegion(regions, region);
    }
    return this;
  }

  public String typeAndMetric() {
    return deviceType + "|" + metric;
  }

  public GlobalAggregate toAvro() {
    return GlobalAggregate.newBuilder()
        .setDeviceType(deviceType)
        .setMetric(metric)
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setStats(stats.toAvro())
        .setDeviceCount(deviceCount)
        .setAnomalyCount(anomalyCount)
        .setDecisionCount(decisionCount)
        .setRejectedCount(rejectedCount)
        .setFilteredCount(filteredCount)
        .setMissingCount(missingCount)
        .setRestartCount(restartCount)
        .setSummaryCount(summaryCount)
        .setAggregateCount(aggregateCount)
        .setRegions(List.of(regions))
        .setSketch(sketch == null ? null : java.nio.ByteBuffer.wrap(sketch))
        .build();
  }

  private static String[] withRegion(String[] regions, String region) {
    if (Arrays.asList(regions).contains(region)) {
      return regions;
    }
    TreeSet<String> sorted = new TreeSet<>(Arrays.asList(regions));
    sorted.add(region);
    return sorted.toArray(new String[0]);
  }
}
