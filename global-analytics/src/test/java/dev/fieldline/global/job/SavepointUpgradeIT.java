package dev.fieldline.global.job;

import static dev.fieldline.global.job.Aggregates.MINUTE;
import static dev.fieldline.global.job.Aggregates.around;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade path of the README: stop the job with a savepoint, let exports pile up, start the job
 * again from the savepoint. Nothing is copied twice or lost, every window is rolled up once, and
 * feature versions carry on from the savepoint instead of starting again at 1.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SavepointUpgradeIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = TwoRegions.miniCluster(new Configuration());

  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);
  private static final AvroCodec<GlobalAggregate> ROLLUPS = AvroCodec.of(GlobalAggregate.class);
  private static final AvroCodec<FeatureUpdate> FEATURES = AvroCodec.of(FeatureUpdate.class);
  private static final long W0 =
      Instant.now().minus(40, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES).toEpochMilli();

  @TempDir Path savepoints;

  @Test
  void shouldResumeFromASavepointWithoutLossDuplicatesOrVersionReset() throws Exception {
    try (TwoRegions regions = new TwoRegions()) {
      List<RegionalAggregate> exported = new ArrayList<>();
      exported.addAll(exportWindows(regions, 0, 5));
      exported.addAll(regions.advanceWatermark(regions.eu, "eu-west", W0 + 6 * MINUTE));
      exported.addAll(regions.advanceWatermark(regions.us, "us-east", W0 + 6 * MINUTE));

      StreamExecutionEnvironment first = StreamExecutionEnvironment.getExecutionEnvironment();
      GlobalJob.build(first, regions.config());
      JobClient before = first.executeAsync("global-before-upgrade");
      int firstCount = exported.size();
      for (var cluster : List.of(regions.eu, regions.us)) {
        TwoRegions.readCommitted(
            cluster, Topics.GLOBAL_ROLLUPS.name(), r -> r.size() >= 5, Duration.ofMinutes(1));
        TwoRegions.readCommitted(
            cluster,
            Topics.GLOBAL_AGGREGATES.name(),
            r -> r.size() >= firstCount,
            Duration.ofMinutes(1));
      }
      String savepoint =
          before
              .stopWithSavepoint(
                  false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
              .get(1, TimeUnit.MINUTES);

      // While the job is down, both regions go on exporting.
      exported.addAll(exportWindows(regions, 6, 10));
      exported.addAll(regions.advanceWatermark(regions.eu, "eu-west", W0 + 20 * MINUTE));
      exported.addAll(regions.advanceWatermark(regions.us, "us-east", W0 + 20 * MINUTE));

      Configuration restore = new Configuration();
      restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
      StreamExecutionEnvironment second =
          StreamExecutionEnvironment.getExecutionEnvironment(restore);
      GlobalJob.build(second, regions.config());
      JobClient after = second.executeAsync("global-after-upgrade");
      try {
        for (var cluster : List.of(regions.eu, regions.us)) {
          TwoRegions.readCommitted(
              cluster, Topics.GLOBAL_ROLLUPS.name(), r -> r.size() >= 9, Duration.ofMinutes(1));
          TwoRegions.readCommitted(
              cluster,
              Topics.GLOBAL_AGGREGATES.name(),
              r -> r.size() >= exported.size(),
              Duration.ofMinutes(1));
        }
        Thread.sleep(3_000);
      } finally {
        after.cancel().get();
      }

      List<String> expected = exported.stream().map(NaturalKeys::of).toList();
      for (var cluster : List.of(regions.eu, regions.us)) {
        assertThat(
                TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_AGGREGATES.name()).stream()
                    .map(r -> NaturalKeys.of(AGGREGATES.decode(r.value(), "test")))
                    .toList())
            .as("every export once in %s", cluster)
            .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(
                TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_ROLLUPS.name()).stream()
                    .map(r -> ROLLUPS.decode(r.value(), "test"))
                    .filter(r -> r.getDeviceType().equals("chiller")) // not the watermark ticks
                    .map(r -> r.getWindowStart().toEpochMilli())
                    .toList())
            .as("every window rolled up once in %s", cluster)
            .containsExactlyInAnyOrderElementsOf(
                LongStream.of(0, 1, 2, 3, 4, 6, 7, 8, 9)
                    .map(w -> W0 + w * MINUTE)
                    .boxed()
                    .toList());
        List<Long> versions =
            TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_FEATURES.name()).stream()
                .filter(r -> r.key().equals("chiller/temperature"))
                .map(ConsumerRecord::value)
                .map(v -> FEATURES.decode(v, "test").getVersion())
                .toList();
        assertThat(versions)
            .as("feature versions in %s carry on across the savepoint", cluster)
            .isEqualTo(LongStream.rangeClosed(1, versions.size()).boxed().toList())
            .hasSizeGreaterThan(5);
      }
    }
  }

  /** Windows [from, to) of chiller temperature in both regions; the level climbs every window. */
  private static List<RegionalAggregate> exportWindows(TwoRegions regions, int from, int to) {
    List<RegionalAggregate> all = new ArrayList<>();
    for (int w = from; w < to; w++) {
      long start = W0 + w * MINUTE;
      RegionalAggregate eu =
          Aggregates.deviceType(
              "eu-west", "chiller", "temperature", start, 0, around(10 + 5 * w, 1, 10));
      RegionalAggregate us =
          Aggregates.deviceType(
              "us-east", "chiller", "temperature", start, 0, around(10 + 5 * w, 1, 10));
      regions.export(regions.eu, List.of(eu));
      regions.export(regions.us, List.of(us));
      all.add(eu);
      all.add(us);
    }
    return all;
  }
}
