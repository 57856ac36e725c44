package dev.fieldline.schema;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.GlobalAlert;
import dev.fieldline.schema.v1.Reading;
import dev.fieldline.schema.v1.RegionAnomalyRate;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One filled-in example of every record type, with every optional field set. */
public final class SampleRecords {
  public static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  private SampleRecords() {}

  public static Reading reading(long seq) {
    return Reading.newBuilder()
        .setDeviceId("dev-0001")
        .setSiteId("site-a")
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setValue(21.5 + seq)
        .setUnit("C")
        .setEventTime(T0.plusMillis(seq * 100))
        .setSeq(seq)
        .setAttributes(Map.of("fw", "1.4.2"))
        .build();
  }

  public static Command command() {
    return Command.newBuilder()
        .setDeviceId("dev-0001")
        .setRuleId("overheat")
        .setAction("throttle")
        .setArgs(Map.of("level", "50"))
        .setReason("temperature 81.0 > 80.0")
        .setReadingEventTime(T0)
        .setReadingSeq(42)
        .setDecidedAt(T0.plusMillis(1))
        .setFeatureVersion(7L)
        .build();
  }

  public static EdgeSummary edgeSummary() {
    return EdgeSummary.newBuilder()
        .setGatewayId("gw-1")
        .setSiteId("site-a")
        .setRegion("eu-west")
        .setDeviceId("dev-0001")
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(10))
        .setStats(RunningStats.of(20.0, 21.0, 23.5).toAvro())
        .setFirstSeq(1)
        .setLastSeq(3)
        .setRejectedCount(1)
        .setFilteredCount(2)
        .setAnomalyCount(1)
        .setDecisionCount(1)
        .setMissingCount(4)
        .setRestartCount(1)
        .build();
  }

  public static RegionalAggregate regionalAggregate() {
    return RegionalAggregate.newBuilder()
        .setRegion("eu-west")
        .setScope(Scope.SITE)
        .setKey("site-a|chiller|temperature")
        .setSiteId("site-a")
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(60))
        .setStats(RunningStats.of(20.0, 21.0, 23.5, 19.0).toAvro())
        .setDeviceCount(2)
        .setAnomalyCount(1)
        .setDecisionCount(1)
        .setRejectedCount(0)
        .setFilteredCount(3)
        .setMissingCount(4)
        .setRestartCount(1)
        .setSummaryCount(2)
        .setOriginRegion("eu-west")
        .build();
  }

  public static FeatureUpdate featureUpdate() {
    return FeatureUpdate.newBuilder()
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setVersion(3)
        .setComputedAt(T0)
        .setHorizonStart(T0.minusSeconds(600))
        .setHorizonEnd(T0)
        .setCount(12_000)
        .setMean(21.3)
        .setStddev(1.7)
        .setP50(21.2)
        .setP99(25.9)
        .setLowerThreshold(16.2)
        .setUpperThreshold(26.4)
        .setRegions(List.of("eu-west", "us-east"))
        .build();
  }

  public static DecisionEvent decisionEvent() {
    return DecisionEvent.newBuilder()
        .setGatewayId("gw-1")
        .setRegion("eu-west")
        .setSiteId("site-a")
        .setDeviceId("dev-0001")
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setValue(81.0)
        .setRuleId("overheat")
        .setRuleType("threshold")
        .setAction("throttle")
        .setReason("temperature 81.0 > 80.0")
        .setReadingEventTime(T0)
        .setReadingSeq(42)
        .setDecidedAt(T0.plusMillis(1))
        .setDecisionLatencyNanos(180_000)
        .setFeatureVersion(null)
        .build();
  }

  public static GlobalAggregate globalAggregate() {
    return GlobalAggregate.newBuilder()
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(60))
        .setStats(RunningStats.of(20.0, 21.0, 23.5, 19.0, 22.0).toAvro())
        .setDeviceCount(3)
        .setAnomalyCount(1)
        .setDecisionCount(1)
        .setRejectedCount(2)
        .setFilteredCount(3)
        .setMissingCount(6)
        .setRestartCount(2)
        .setSummaryCount(3)
        .setAggregateCount(2)
        .setRegions(List.of("eu-west", "us-east"))
        .build();
  }

  public static GlobalAlert globalAlert() {
    return GlobalAlert.newBuilder()
        .setAlertId("chiller@" + T0.toEpochMilli())
        .setDeviceType("chiller")
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(60))
        .setThreshold(0.05)
        .setRegions(
            List.of(
                new RegionAnomalyRate("eu-west", 100L, 9L, 0.09, true),
                new RegionAnomalyRate("us-east", 200L, 12L, 0.06, true)))
        .setRegionsAbove(2)
        .setRaisedAt(T0.plusSeconds(61))
        .build();
  }

  /** One example of every record type that Fieldline writes. */
  public static List<SpecificRecord> everyType() {
    return List.of(
        reading(1),
        command(),
        edgeSummary(),
        regionalAggregate(),
        featureUpdate(),
        decisionEvent(),
        globalAggregate(),
        globalAlert());
  }
}
