package dev.fieldline.regional.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.process.ServiceProcess;
import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.schema.NaturalKeys;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances share the input under exactly-once; one is killed with SIGKILL mid-stream; the
 * survivor takes over and the committed output counts every distinct input summary exactly once.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ExactlyOnceFailoverIT {
  private static final int DEVICES = 24;
  private static final int ROUNDS = 24;
  private static final int KILL_AT_ROUND = 9;
  private static final List<String> METRICS = List.of("temperature", "pressure");

  /** Twenty minutes ago, so that the final clock summaries at "now" close every window. */
  private static final Instant BASE =
      Instant.ofEpochMilli(Math.floorDiv(System.currentTimeMillis(), 5_000L) * 5_000L)
          .minus(Duration.ofMinutes(20));

  @TempDir Path dir;
  private EmbeddedKafkaCluster kafka;
  private RegionalAggregator survivor;
  private ServiceProcess victim;

  @BeforeEach
  void startKafka() {
    kafka = EmbeddedKafkaCluster.start("eos-failover");
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    if (victim != null) {
      victim.close();
    }
    if (survivor != null) {
      survivor.close();
    }
    kafka.close();
  }

  private List<String> settings(String stateDir) {
    return List.of(
        "region=eu-west",
        "application-id=eos-failover",
        "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "kafka.partitions=4",
        "kafka.client.consumer.session.timeout.ms=6000",
        "kafka.client.consumer.heartbeat.interval.ms=1500",
        "streams.state-dir=" + dir.resolve(stateDir),
        "streams.commit-interval=100ms",
        "windows.size=5s",
        // Grace far beyond the fail-over time: only the final clock summaries close windows.
        "windows.grace=10m",
        // The clock summaries reach some input partitions only; the others, silent by then, must
        // stop holding windows back soon.
        "windows.source-idle=5s",
        "dedup.retention=1h",
        "http.host=127.0.0.1");
  }

  @Test
  void shouldCountEveryInputSummaryExactlyOnceWhenAnInstanceIsKilledMidStream() throws Exception {
    List<String> survivorSettings = new ArrayList<>(settings("survivor"));
    survivorSettings.add("http.port=0");
    AggregatorConfig config = RegionalAggregatorApp.LOADER.load(null, Map.of(), survivorSettings);
    survivor = new RegionalAggregator(config).start();
    victim =
        ServiceProcess.start(
            RegionalAggregatorApp.class,
            "256m",
            settings("victim"),
            FreePorts.pick(),
            dir.resolve("victim.log"));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> survivor.health().ready() && victim.isReady());

    Map<String, EdgeSummary> distinct = new HashMap<>();
    try (KafkaProducer<String, EdgeSummary> producer = producer()) {
      for (int round = 0; round < ROUNDS; round++) {
        for (EdgeSummary summary : round(round)) {
          send(producer, summary);
          distinct.put(NaturalKeys.of(summary), summary);
          if ((summary.getDeviceId().hashCode() + round) % 7 == 0) {
            send(producer, summary); // an edge retry
          }
        }
        producer.flush();
        if (round == KILL_AT_ROUND) {
          assertThat(victim.health())
              .as("the victim owns input partitions and is working when it dies")
              .containsPattern("\"summaries_in\":[1-9]");
          victim.kill();
        }
        Thread.sleep(200);
      }
      // Edges replaying their journal after the fail-over: all of it counted already.
      for (int round = 0; round < 4; round++) {
        round(round).forEach(summary -> send(producer, summary));
      }
      producer.flush();
      // The windows are closed by the clock summaries below; they must come after everything
      // else has been consumed, or whatever the fail-over delayed would be late (and
      // dead-lettered).
      awaitInputConsumed();
      // Summaries at "now" move every roll-up task's stream time past all windows.
      for (String type : List.of("chiller", "pump")) {
        for (String metric : METRICS) {
          Instant now = Instant.now().minusSeconds(1);
          send(producer, summary("clock-" + type, "site-clock", type, metric, now, 0));
        }
      }
      producer.flush();
    }
    assertThat(victim.isAlive()).isFalse();

    Map<String, long[]> expected = expectedCounts(distinct.values());
    Map<String, RegionalAggregate> committed = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    try (KafkaConsumer<String, RegionalAggregate> consumer = committedReader()) {
      consumer.subscribe(List.of(Topics.REGIONAL_AGGREGATES.name()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!committed.keySet().containsAll(expected.keySet()) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, RegionalAggregate> record :
            consumer.poll(Duration.ofMillis(500))) {
          String id = record.key() + "@" + record.value().getWindowStart();
          if (committed.put(id, record.value()) != null) {
            duplicates.add(id);
          }
        }
      }
      // Anything more that is committed would be a second emission.
      consumer.poll(Duration.ofSeconds(2)).forEach(r -> duplicates.add(r.key()));
    }

    assertThat(duplicates).as("windows emitted twice").isEmpty();
    assertThat(deadLetterCount()).as("dead letters").isZero();
    assertThat(committed.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    List<String> mismatches = new ArrayList<>();
    expected.forEach(
        (id, counts) -> {
          RegionalAggregate a = committed.get(id);
          long[] actual = {a.getSummaryCount(), a.getStats().getCount(), a.getDeviceCount()};
          if (!java.util.Arrays.equals(actual, counts)) {
            mismatches.add(
                id
                    + " summaries/readings/devices expected "
                    + java.util.Arrays.toString(counts)
                    + " got "
                    + java.util.Arrays.toString(actual));
          }
        });
    assertThat(mismatches).isEmpty();
    long typeScopeSummaries =
        committed.values().stream()
            .filter(a -> a.getKey().startsWith("type|"))
            .mapToLong(RegionalAggregate::getSummaryCount)
            .sum();
    assertThat(typeScopeSummaries).isEqualTo(distinct.size());
  }

  private void awaitInputConsumed() {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                Map<TopicPartition, OffsetAndMetadata> committed =
                    admin
                        .listConsumerGroupOffsets("eos-failover")
                        .partitionsToOffsetAndMetadata()
                        .get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < 4; p++) {
                  latest.put(
                      new TopicPartition(Topics.EDGE_SUMMARIES.name(), p), OffsetSpec.latest());
                }
                var ends = admin.listOffsets(latest).all().get();
                return ends.entrySet().stream()
                    .allMatch(
                        end ->
                            committed.get(end.getKey()) != null
                                && committed.get(end.getKey()).offset() >= end.getValue().offset());
              });
    }
  }

  private long deadLetterCount() {
    Map<String, Object> config = kafka.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-verifier");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EDGE_SUMMARIES.deadLetterTopic()));
      long count = 0;
      for (int i = 0; i < 4; i++) {
        count += consumer.poll(Duration.ofMillis(500)).count();
      }
      return count;
    }
  }

  private static List<EdgeSummary> round(int round) {
    List<EdgeSummary> summaries = new ArrayList<>();
    for (int d = 0; d < DEVICES; d++) {
      for (String metric : METRICS) {
        summaries.add(
            summary(
                "dev-" + d,
                "site-" + (d % 3),
                d % 2 == 0 ? "chiller" : "pump",
                metric,
                BASE.plusSeconds(round),
                1 + (d + round) % 3));
      }
    }
    return summaries;
  }

  private static EdgeSummary summary(
      String device, String site, String type, String metric, Instant start, int readings) {
    RunningStats stats = new RunningStats();
    for (int i = 0; i < readings; i++) {
      stats.add(10 + i);
    }
    return EdgeSummary.newBuilder()
        .setGatewayId("gw-" + site)
        .setSiteId(site)
        .setRegion("eu-west")
        .setDeviceId(device)
        .setDeviceType(type)
        .setMetric(metric)
        .setWindowStart(start)
        .setWindowEnd(start.plusSeconds(1))
        .setStats(stats.toAvro())
        .setFirstSeq(start.getEpochSecond())
        .setLastSeq(start.getEpochSecond())
        .build();
  }

  /** Per aggregate id: summaries, readings, distinct devices. */
  private static Map<String, long[]> expectedCounts(Iterable<EdgeSummary> summaries) {
    Map<String, long[]> counts = new HashMap<>();
    Map<String, java.util.Set<String>> devices = new HashMap<>();
    for (EdgeSummary s : summaries) {
      long start = Math.floorDiv(s.getWindowStart().toEpochMilli(), 5_000L) * 5_000L;
      for (String key :
          List.of(
              "type|" + s.getDeviceType() + "|" + s.getMetric(),
              "site|" + s.getSiteId() + "|" + s.getDeviceType() + "|" + s.getMetric())) {
        String id = key + "@" + Instant.ofEpochMilli(start);
        long[] c = counts.computeIfAbsent(id, k -> new long[3]);
        c[0]++;
        c[1] += s.getStats().getCount();
        if (devices.computeIfAbsent(id, k -> new java.util.HashSet<>()).add(s.getDeviceId())) {
          c[2]++;
        }
      }
    }
    return counts;
  }

  private static void send(KafkaProducer<String, EdgeSummary> producer, EdgeSummary summary) {
    producer.send(
        new ProducerRecord<>(Topics.EDGE_SUMMARIES.name(), summary.getDeviceId(), summary));
  }

  private KafkaProducer<String, EdgeSummary> producer() {
    Map<String, Object> config = kafka.clientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(
        config, new StringSerializer(), Topics.EDGE_SUMMARIES.valueSerde().serializer());
  }

  private KafkaConsumer<String, RegionalAggregate> committedReader() {
    Map<String, Object> config = kafka.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "verifier");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(
        config, new StringDeserializer(), Topics.REGIONAL_AGGREGATES.valueSerde().deserializer());
  }
}
