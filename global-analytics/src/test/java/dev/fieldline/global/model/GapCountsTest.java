package dev.fieldline.global.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Missing readings and device restarts travel through replication and add up globally. */
class GapCountsTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

  private static ExportedAggregate exported(String region, long missing, long restarts) {
    RegionalAggregate avro =
        RegionalAggregate.newBuilder()
            .setRegion(region)
            .setScope(Scope.DEVICE_TYPE)
            .setKey("chiller|temperature")
            .setDeviceType("chiller")
            .setMetric("temperature")
            .setWindowStart(T0)
            .setWindowEnd(T0.plusSeconds(60))
            .setStats(RunningStats.of(1, 2).toAvro())
            .setDeviceCount(1)
            .setSummaryCount(1)
            .setMissingCount(missing)
            .setRestartCount(restarts)
            .setOriginRegion(region)
            .build();
    return ExportedAggregate.of(region, avro.getKey(), avro);
  }

  @Test
  void shouldKeepGapCountsThroughReplication() {
    RegionalAggregate copy = exported("eu-west", 7, 1).toAvro();

    assertThat(copy.getMissingCount()).isEqualTo(7);
    assertThat(copy.getRestartCount()).isEqualTo(1);
  }

  @Test
  void shouldSumGapCountsOfEveryRegionIntoTheGlobalRollUp() {
    GlobalRollup eu = new GlobalRollup().add(exported("eu-west", 7, 1));
    GlobalRollup us = new GlobalRollup().add(exported("us-east", 5, 0));

    GlobalAggregate global = eu.merge(us).toAvro();

    assertThat(global.getMissingCount()).isEqualTo(12);
    assertThat(global.getRestartCount()).isEqualTo(1);
  }
}
