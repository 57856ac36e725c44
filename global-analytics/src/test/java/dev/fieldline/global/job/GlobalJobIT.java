package dev.fieldline.global.job;

import static dev.fieldline.global.job.Aggregates.MINUTE;
import static dev.fieldline.global.job.Aggregates.around;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.GlobalAggregate;
import dev.fieldline.schema.v1.GlobalAlert;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole job on a Flink MiniCluster between two real Kafka clusters: replication into every
 * region exactly once with its origin, global roll-ups equal to a hand computation, a cross-region
 * alert, feature updates in both regions, and dead letters for records that cannot be used.
 */
@Timeout(value = 4, unit = java.util.concurrent.TimeUnit.MINUTES)
class GlobalJobIT {
  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      TwoRegions.miniCluster(METRICS.addToConfiguration(new Configuration()));

  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);
  private static final AvroCodec<GlobalAggregate> ROLLUPS = AvroCodec.of(GlobalAggregate.class);
  private static final AvroCodec<GlobalAlert> ALERTS = AvroCodec.of(GlobalAlert.class);
  private static final AvroCodec<FeatureUpdate> FEATURES = AvroCodec.of(FeatureUpdate.class);
  private static final List<String> REGIONS = List.of("eu-west", "us-east");

  /** Windows of the test, half an hour ago: Kafka refuses timestamps far in the future. */
  private static final long W0 =
      Instant.now().minus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES).toEpochMilli();

  private static TwoRegions regions;
  private static final List<RegionalAggregate> exported = new ArrayList<>();

  @BeforeAll
  static void start() {
    regions = new TwoRegions();
  }

  @AfterAll
  static void stop() {
    if (regions != null) {
      regions.close();
    }
  }

  @Test
  void shouldReplicateRollUpAlertAndLearnAcrossRegions() throws Exception {
    for (int w = 0; w < 3; w++) {
      long start = W0 + w * MINUTE;
      long euAnomalies = w == 1 ? 3 : 0;
      long usAnomalies = w == 1 ? 2 : 0;
      List<RegionalAggregate> eu =
          List.of(
              Aggregates.deviceType(
                  "eu-west", "chiller", "temperature", start, euAnomalies, around(20 + w, 2, 10)),
              site("eu-west", "site-a", start, around(20 + w, 2, 10)),
              Aggregates.deviceType("eu-west", "pump", "pressure", start, 0, around(5, 0.5, 10)));
      List<RegionalAggregate> us =
          List.of(
              Aggregates.deviceType(
                  "us-east", "chiller", "temperature", start, usAnomalies, around(22 + w, 3, 10)));
      regions.export(regions.eu, eu);
      regions.export(regions.us, us);
      exported.addAll(eu);
      exported.addAll(us);
    }
    regions.exportRaw(regions.eu, "garbage", "not avro".getBytes(StandardCharsets.UTF_8));
    RegionalAggregate backwards =
        RegionalAggregate.newBuilder(
                Aggregates.deviceType("eu-west", "chiller", "temperature", W0, 0, 1.0))
            .setWindowEnd(Instant.ofEpochMilli(W0 - 1))
            .build();
    regions.export(regions.eu, List.of(backwards));
    long tick = W0 + 10 * MINUTE;
    exported.addAll(regions.advanceWatermark(regions.eu, "eu-west", tick));
    exported.addAll(regions.advanceWatermark(regions.us, "us-east", tick));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    GlobalJob.build(env, regions.config());
    JobClient job = env.executeAsync("global-job-it");
    try {
      for (String region : REGIONS) {
        var cluster = regions.cluster(region);
        TwoRegions.readCommitted(
            cluster,
            Topics.GLOBAL_AGGREGATES.name(),
            r -> r.size() >= exported.size(),
            Duration.ofMinutes(2));
        TwoRegions.readCommitted(
            cluster, Topics.GLOBAL_ROLLUPS.name(), r -> r.size() >= 6, Duration.ofMinutes(1));
        TwoRegions.readCommitted(
            cluster, Topics.GLOBAL_ALERTS.name(), r -> r.size() >= 1, Duration.ofMinutes(1));
      }
      Thread.sleep(3_000); // three more checkpoints: whatever would come twice has come by now
    } finally {
      job.cancel().get();
    }

    for (String region : REGIONS) {
      var cluster = regions.cluster(region);
      assertReplicated(
          region, TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_AGGREGATES.name()));
      assertRollups(region, TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_ROLLUPS.name()));
      assertAlert(region, TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_ALERTS.name()));
      assertFeatures(region, TwoRegions.readAllCommitted(cluster, Topics.GLOBAL_FEATURES.name()));
    }
    assertDeadLetters(
        TwoRegions.readAllCommitted(regions.eu, Topics.REGIONAL_EXPORT.deadLetterTopic()));
    assertThat(TwoRegions.readAllCommitted(regions.us, Topics.REGIONAL_EXPORT.deadLetterTopic()))
        .isEmpty();
    assertMetrics(job.getJobID());
  }

  /** Per-region counters, and the Kafka source's backlog (the region's lag) for every region. */
  private static void assertMetrics(JobID job) {
    assertThat(counted(job, "exportsDecoded", "eu-west")).isEqualTo(9 + 3);
    assertThat(counted(job, "exportsDeadLettered", "eu-west")).isEqualTo(2);
    assertThat(counted(job, "exportsDecoded", "us-east")).isEqualTo(3 + 3);
    assertThat(counted(job, "exportsDeadLettered", "us-east")).isZero();
    assertThat(METRICS.findMetrics(job, "pendingRecords").keySet())
        .anySatisfy(id -> assertThat(id).contains("source-eu-west"))
        .anySatisfy(id -> assertThat(id).contains("source-us-east"));
  }

  private static long counted(JobID job, String name, String region) {
    return METRICS.findMetrics(job, name).entrySet().stream()
        .filter(e -> e.getKey().contains("region." + region + "."))
        .mapToLong(e -> ((Counter) e.getValue()).getCount())
        .sum();
  }

  private static void assertReplicated(
      String region, List<ConsumerRecord<String, byte[]>> records) {
    List<String> seen = new ArrayList<>();
    for (var record : records) {
      RegionalAggregate copy = AGGREGATES.decode(record.value(), region);
      String origin =
          new String(
              record.headers().lastHeader(Topics.ORIGIN_REGION_HEADER).value(),
              StandardCharsets.UTF_8);
      assertThat(origin).as("origin header of %s", copy.getKey()).isEqualTo(copy.getOriginRegion());
      assertThat(record.key()).isEqualTo(copy.getKey());
      seen.add(NaturalKeys.of(copy));
    }
    List<String> expected = exported.stream().map(NaturalKeys::of).sorted().toList();
    assertThat(seen)
        .as("every export in %s's global.aggregates exactly once", region)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private static void assertRollups(String region, List<ConsumerRecord<String, byte[]>> records) {
    Map<String, GlobalAggregate> rollups = new TreeMap<>();
    for (var record : records) {
      GlobalAggregate rollup = ROLLUPS.decode(record.value(), region);
      String key =
          rollup.getDeviceType()
              + "|"
              + rollup.getMetric()
              + "@"
              + rollup.getWindowStart().toEpochMilli();
      assertThat(rollups.put(key, rollup)).as("roll-up %s in %s once", key, region).isNull();
    }
    assertThat(rollups).hasSize(6);
    for (int w = 0; w < 3; w++) {
      long start = W0 + w * MINUTE;
      GlobalAggregate chiller = rollups.get("chiller|temperature@" + start);
      RunningStats hand = RunningStats.of(concat(around(20 + w, 2, 10), around(22 + w, 3, 10)));
      assertThat(chiller.getStats().getCount()).isEqualTo(20);
      assertThat(chiller.getStats().getMean()).isCloseTo(hand.mean(), within(1e-9));
      assertThat(chiller.getStats().getM2()).isCloseTo(hand.m2(), within(1e-6));
      assertThat(chiller.getStats().getMin()).isEqualTo(Math.min(18 + w, 19 + w));
      assertThat(chiller.getStats().getMax()).isEqualTo(Math.max(22 + w, 25 + w));
      assertThat(chiller.getAnomalyCount()).isEqualTo(w == 1 ? 5 : 0);
      assertThat(chiller.getAggregateCount())
          .as("site aggregates are not counted twice")
          .isEqualTo(2);
      assertThat(chiller.getRegions()).containsExactly("eu-west", "us-east");
      assertThat(chiller.getWindowEnd().toEpochMilli()).isEqualTo(start + MINUTE);
      GlobalAggregate pump = rollups.get("pump|pressure@" + start);
      assertThat(pump.getStats().getCount()).isEqualTo(10);
      assertThat(pump.getStats().getMean()).isCloseTo(5.0, within(1e-9));
      assertThat(pump.getRegions()).containsExactly("eu-west");
    }
  }

  private static void assertAlert(String region, List<ConsumerRecord<String, byte[]>> records) {
    assertThat(records).as("alerts in %s", region).hasSize(1);
    GlobalAlert alert = ALERTS.decode(records.get(0).value(), region);
    assertThat(alert.getDeviceType()).isEqualTo("chiller");
    assertThat(alert.getWindowStart().toEpochMilli()).isEqualTo(W0 + MINUTE);
    assertThat(alert.getRegionsAbove()).isEqualTo(2);
    assertThat(alert.getRegions().get(0).getRate()).isCloseTo(0.3, within(1e-12));
    assertThat(alert.getRegions().get(1).getRate()).isCloseTo(0.2, within(1e-12));
  }

  private static void assertFeatures(String region, List<ConsumerRecord<String, byte[]>> records) {
    Map<String, List<FeatureUpdate>> byKey =
        records.stream()
            .collect(
                Collectors.groupingBy(
                    ConsumerRecord::key,
                    TreeMap::new,
                    Collectors.mapping(
                        r -> FEATURES.decode(r.value(), region), Collectors.toList())));
    assertThat(byKey).containsKeys("chiller/temperature", "pump/pressure");
    for (var updates : byKey.values()) {
      List<Long> versions = updates.stream().map(FeatureUpdate::getVersion).toList();
      assertThat(versions)
          .as("versions count up from 1 without gaps or repeats")
          .isEqualTo(java.util.stream.LongStream.rangeClosed(1, versions.size()).boxed().toList());
    }
    FeatureUpdate first = byKey.get("chiller/temperature").get(0);
    RunningStats hand = RunningStats.of(concat(around(20, 2, 10), around(22, 3, 10)));
    assertThat(first.getCount()).isEqualTo(20);
    assertThat(first.getMean()).isCloseTo(hand.mean(), within(1e-9));
    assertThat(first.getStddev()).isCloseTo(Math.sqrt(hand.sampleVariance()), within(1e-9));
    assertThat(first.getHorizonEnd().toEpochMilli()).isEqualTo(W0 + MINUTE);
    assertThat(first.getRegions()).containsExactly("eu-west", "us-east");
  }

  private static void assertDeadLetters(List<ConsumerRecord<String, byte[]>> records) {
    assertThat(records).hasSize(2);
    Set<String> reasons = new HashSet<>();
    for (var record : records) {
      reasons.add(DeadLetters.header(record.headers(), DeadLetters.REASON));
      assertThat(DeadLetters.header(record.headers(), DeadLetters.SOURCE_TOPIC))
          .isEqualTo(Topics.REGIONAL_EXPORT.name());
      assertThat(DeadLetters.header(record.headers(), DeadLetters.ERROR)).isNotBlank();
    }
    assertThat(reasons).containsExactlyInAnyOrder(DeadLetters.UNDECODABLE, DeadLetters.INVALID);
    assertThat(records).extracting(ConsumerRecord::key).contains("garbage");
  }

  private static RegionalAggregate site(
      String region, String siteId, long start, double... values) {
    return RegionalAggregate.newBuilder(
            Aggregates.deviceType(region, "chiller", "temperature", start, 0, values))
        .setScope(Scope.SITE)
        .setSiteId(siteId)
        .setKey(siteId + "|chiller|temperature")
        .build();
  }

  private static double[] concat(double[] a, double[] b) {
    double[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
