package dev.fieldline.global.model;

import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.time.Instant;

/**
 * A regional aggregate read from one region's {@code regional.export}, as it flows through the job.
 * A flat Flink POJO (public fields, no-argument constructor) so that Flink serializes it without
 * falling back to Kryo; {@link #toAvro()} gives back the wire record.
 */
public class ExportedAggregate {
  /** Region whose cluster the record was read from. */
  public String sourceRegion;

  /** Region where the data was measured (the record's own originRegion, else sourceRegion). */
  public String originRegion;

  /**
   * The {@code regional.export} partition it was read from: event time is tracked per partition.
   */
  public int sourcePartition;

  public String key;
  public String region;
  public String scope;
  public String siteId;
  public String deviceType;
  public String metric;
  public long windowStart;
  public long windowEnd;
  public StatsFields stats;
  public long deviceCount;
  public long anomalyCount;
  public long decisionCount;
  public long rejectedCount;
  public long filteredCount;
  public long missingCount;
  public long restartCount;
  public long summaryCount;

  /** The region's quantile sketch (device-type scope), encoded; null when it has none. */
  public byte[] sketch;

  public ExportedAggregate() {}

  public static ExportedAggregate of(String sourceRegion, String key, RegionalAggregate avro) {
    ExportedAggregate a = new ExportedAggregate();
    a.sourceRegion = sourceRegion;
    String origin = avro.getOriginRegion();
    a.originRegion = origin == null || origin.isBlank() ? sourceRegion : origin;
    a.key = key;
    a.region = avro.getRegion();
    a.scope = avro.getScope().name();
    a.siteId = avro.getSiteId();
    a.deviceType = avro.getDeviceType();
    a.metric = avro.getMetric();
    a.windowStart = avro.getWindowStart().toEpochMilli();
    a.windowEnd = avro.getWindowEnd().toEpochMilli();
    a.stats = StatsFields.of(avro.getStats());
    a.deviceCount = avro.getDeviceCount();
    a.anomalyCount = avro.getAnomalyCount();
    a.decisionCount = avro.getDecisionCount();
    a.rejectedCount = avro.getRejectedCount();
    a.filteredCount = avro.getFilteredCount();
    a.missingCount = avro.getMissingCount();
    a.restartCount = avro.getRestartCount();
    a.summaryCount = avro.getSummaryCount();
    a.sketch = SketchBytes.of(avro.getSketch());
    return a;
  }

  /** The record as written to {@code global.aggregates}: unchanged but for its origin. */
  public RegionalAggregate toAvro() {
    return RegionalAggregate.newBuilder()
        .setRegion(region)
        .setScope(Scope.valueOf(scope))
        .setKey(key)
        .setSiteId(siteId)
        .setDeviceType(deviceType)
        .setMetric(metric)
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setStats(stats.toRunningStats().toAvro())
        .setDeviceCount(deviceCount)
        .setAnomalyCount(anomalyCount)
        .setDecisionCount(decisionCount)
        .setRejectedCount(rejectedCount)
        .setFilteredCount(filteredCount)
        .setMissingCount(missingCount)
        .setRestartCount(restartCount)
        .setSummaryCount(summaryCount)
        .setOriginRegion(originRegion)
        .setSketch(sketch == null ? null : java.nio.ByteBuffer.wrap(sketch))
        .build();
  }

  /** Device-type aggregates cover every site once; site aggregates would count readings twice. */
  public boolean isDeviceTypeScope() {
    return Scope.DEVICE_TYPE.name().equals(scope);
  }

  /** The global roll-up key. */
  public String typeAndMetric() {
    return deviceType + "|" + metric;
  }

  @Override
  public String toString() {
    return originRegion + "/" + key + "@" + windowStart;
  }
}
