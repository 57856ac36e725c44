package dev.fieldline.global.job;

import static dev.fieldline.global.job.Aggregates.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A region's edges down for longer than the idleness: every partition of its {@code
 * regional.export} falls silent, then the aggregator tasks bring their backlogs back one after the
 * other. The global roll-up must wait for all of them: each window counts every partition's
 * aggregates, none is dropped as late.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class RegionSilenceIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = TwoRegions.miniCluster(new Configuration());

  private static final AvroCodec<GlobalAggregate> ROLLUPS = AvroCodec.of(GlobalAggregate.class);

  /** Windows of the test, an hour ago: Kafka refuses timestamps far in the future. */
  private static final long W0 =
      Instant.now().minus(60, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES).toEpochMilli();

  private static final int BACKLOG = 4;

  @Test
  void shouldCountEveryPartitionsBacklogAfterTheWholeRegionFellSilent() throws Exception {
    try (TwoRegions regions = new TwoRegions()) {
      var config = regions.config();
      Map<Long, Long> expected = new TreeMap<>();
      int partitions = TwoRegions.PARTITIONS;
      // Before the outage: window 0 from every partition.
      for (int p = 0; p < partitions; p++) {
        regions.exportTo(regions.eu, p, List.of(chiller(p, W0, expected)));
      }
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      GlobalJob.build(env, config);
      JobClient job = env.executeAsync("region-silence-it");
      try {
        TwoRegions.readCommitted(
            regions.eu,
            Topics.GLOBAL_AGGREGATES.name(),
            r -> r.size() >= partitions,
            Duration.ofMinutes(1));
        // The whole region silent for twice the idleness: every partition idle.
        Thread.sleep(2 * config.watermarks.idleness.toMillis());

        // The backlogs come back one partition after the other, a second apart: each one's
        // windows are ahead of the partitions still to come by the whole outage.
        for (int p = 0; p < partitions; p++) {
          List<RegionalAggregate> backlog = new ArrayList<>();
          for (int w = 1; w <= BACKLOG; w++) {
            backlog.add(chiller(p, W0 + w * MINUTE, expected));
          }
          regions.exportTo(regions.eu, p, backlog);
          Thread.sleep(1_000);
        }
        regions.advanceWatermark(regions.eu, "eu-west", W0 + (BACKLOG + 2) * MINUTE);
        TwoRegions.readCommitted(
            regions.eu,
            Topics.GLOBAL_ROLLUPS.name(),
            r -> chillerCounts(r).size() > BACKLOG,
            Duration.ofMinutes(1));
        Thread.sleep(3_000); // three more checkpoints: a window closed twice would show by now
      } finally {
        job.cancel().get();
      }
      assertThat(
              chillerCounts(TwoRegions.readAllCommitted(regions.eu, Topics.GLOBAL_ROLLUPS.name())))
          .as("readings per global window: every partition's, once")
          .isEqualTo(expected);
    }
  }

  /** An aggregate of partition {@code p}'s task, its reading count added to {@code expected}. */
  private static RegionalAggregate chiller(int p, long windowStart, Map<Long, Long> expected) {
    double[] values = new double[3 + p];
    java.util.Arrays.fill(values, 20.0 + p);
    expected.merge(windowStart, (long) values.length, Long::sum);
    return Aggregates.deviceType("eu-west", "chiller", "temperature", windowStart, 0, values);
  }

  /** Count per window of the chiller roll-ups; a window rolled up twice fails the test. */
  private static Map<Long, Long> chillerCounts(
      List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>> records) {
    Map<Long, Long> counts = new TreeMap<>();
    for (var record : records) {
      GlobalAggregate rollup = ROLLUPS.decode(record.value(), "eu-west");
      if (rollup.getDeviceType().equals("chiller")) {
        Long before =
            counts.put(rollup.getWindowStart().toEpochMilli(), rollup.getStats().getCount());
        assertThat(before).as("roll-up of %s once", rollup.getWindowStart()).isNull();
      }
    }
    return counts;
  }
}
