package dev.fieldline.global.job;

import static dev.fieldline.global.job.Aggregates.MINUTE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job loses its only TaskManager while regional exports stream in. It restarts from its last
 * checkpoint on a new one, and both regions still hold every export exactly once, and every global
 * roll-up exactly once with the right counts.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JobFailoverIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = TwoRegions.miniCluster(new Configuration());

  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);
  private static final AvroCodec<GlobalAggregate> ROLLUPS = AvroCodec.of(GlobalAggregate.class);
  private static final int WINDOWS = 40;
  private static final int SITES = 10;
  private static final long W0 =
      Instant.now().minus(50, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES).toEpochMilli();

  @Test
  void shouldKeepEveryRecordExactlyOnceAcrossATaskManagerLoss(@InjectMiniCluster MiniCluster flink)
      throws Exception {
    try (TwoRegions regions = new TwoRegions()) {
      List<RegionalAggregate> exported = new ArrayList<>();
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      GlobalJob.build(env, regions.config());
      JobClient job = env.executeAsync("global-job-failover-it");

      // Exports stream in for a few seconds, one window at a time in both regions.
      CompletableFuture<Void> producing =
          CompletableFuture.runAsync(
              () -> {
                for (int w = 0; w < WINDOWS; w++) {
                  for (String region : List.of("eu-west", "us-east")) {
                    List<RegionalAggregate> window = window(region, W0 + w * MINUTE);
                    regions.export(regions.cluster(region), window);
                    synchronized (exported) {
                      exported.addAll(window);
                    }
                  }
                  sleep(150);
                }
                for (String region : List.of("eu-west", "us-east")) {
                  List<RegionalAggregate> ticks =
                      regions.advanceWatermark(
                          regions.cluster(region), region, W0 + (WINDOWS + 5) * MINUTE);
                  synchronized (exported) {
                    exported.addAll(ticks);
                  }
                }
              });

      // Once output has been committed, the TaskManager dies mid-stream and a new one takes over.
      TwoRegions.readCommitted(
          regions.eu, Topics.GLOBAL_AGGREGATES.name(), r -> r.size() >= 100, Duration.ofMinutes(1));
      assertThat(producing).as("the failure comes while exports still stream in").isNotDone();
      flink.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
      flink.startTaskManager();
      producing.get(2, TimeUnit.MINUTES);

      int expected = exported.size();
      try {
        for (String region : List.of("eu-west", "us-east")) {
          TwoRegions.readCommitted(
              regions.cluster(region),
              Topics.GLOBAL_ROLLUPS.name(),
              r -> r.size() >= WINDOWS,
              Duration.ofMinutes(2));
          TwoRegions.readCommitted(
              regions.cluster(region),
              Topics.GLOBAL_AGGREGATES.name(),
              r -> r.size() >= expected,
              Duration.ofMinutes(1));
        }
        Thread.sleep(3_000);
        assertThat(
                flink
                    .getExecutionGraph(job.getJobID())
                    .get()
                    .getStatusTimestamp(JobStatus.RESTARTING))
            .as("the job really failed and restarted")
            .isPositive();
      } finally {
        job.cancel().get();
      }

      List<String> expectedIds = exported.stream().map(NaturalKeys::of).toList();
      for (String region : List.of("eu-west", "us-east")) {
        var cluster = regions.cluster(region);
        List<String> replicated =
            TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_AGGREGATES.name()).stream()
                .map(r -> NaturalKeys.of(AGGREGATES.decode(r.value(), region)))
                .toList();
        assertThat(replicated)
            .as("every export in %s exactly once", region)
            .containsExactlyInAnyOrderElementsOf(expectedIds);

        List<GlobalAggregate> rollups =
            TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_ROLLUPS.name()).stream()
                .map(ConsumerRecord::value)
                .map(v -> ROLLUPS.decode(v, region))
                .toList();
        assertThat(rollups)
            .extracting(r -> r.getWindowStart().toEpochMilli())
            .as("one roll-up per window in %s", region)
            .containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, WINDOWS)
                    .mapToObj(w -> W0 + w * MINUTE)
                    .toList());
        assertThat(rollups)
            .allSatisfy(
                r -> {
                  assertThat(r.getStats().getCount()).isEqualTo(2 * 5);
                  assertThat(r.getAggregateCount()).isEqualTo(2);
                });
      }
    }
  }

  /** One window of a region: a device-type aggregate and one aggregate per site. */
  private static List<RegionalAggregate> window(String region, long start) {
    List<RegionalAggregate> window = new ArrayList<>();
    window.add(Aggregates.deviceType(region, "chiller", "temperature", start, 0, 1, 2, 3, 4, 5));
    for (int s = 0; s < SITES; s++) {
      window.add(
          RegionalAggregate.newBuilder(
                  Aggregates.deviceType(region, "chiller", "temperature", start, 0, s))
              .setScope(Scope.SITE)
              .setSiteId("site-" + s)
              .setKey("site-" + s + "|chiller|temperature")
              .build());
    }
    return window;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
