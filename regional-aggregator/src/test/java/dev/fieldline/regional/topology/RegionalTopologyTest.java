package dev.fieldline.regional.topology;

import static dev.fieldline.regional.Summaries.T0;
import static dev.fieldline.regional.Summaries.decision;
import static dev.fieldline.regional.Summaries.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fieldline.regional.health.DeviceHealth;
import dev.fieldline.regional.residency.Pseudonymizer;
import dev.fieldline.regional.residency.ResidencyPolicy;
import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.SchemaCatalog;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegionalTopologyTest {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final String TWO_PARTITIONS_KEY = "type|chiller|temperature";

  private final RegionalCounters counters = new RegionalCounters();
  private TopologyTestDriver driver;
  private TestInputTopic<String, EdgeSummary> summaries;
  private TestInputTopic<String, byte[]> rawSummaries;
  private TestInputTopic<String, DecisionEvent> decisions;
  private TestOutputTopic<String, RegionalAggregate> aggregates;
  private TestOutputTopic<String, RegionalAggregate> export;
  private TestOutputTopic<String, byte[]> deadLetters;

  private void start(RegionalSettings settings) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "regional-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    props.put(DeadLetterDeserializationHandler.COUNTERS_CONFIG, counters);
    driver = new TopologyTestDriver(RegionalTopology.build(settings, counters), props, T0);
    summaries =
        driver.createInputTopic(
            Topics.EDGE_SUMMARIES.name(),
            new StringSerializer(),
            Topics.EDGE_SUMMARIES.valueSerde().serializer());
    rawSummaries =
        driver.createInputTopic(
            Topics.EDGE_SUMMARIES.name(), new StringSerializer(), new ByteArraySerializer());
    decisions =
        driver.createInputTopic(
            Topics.EDGE_DECISIONS.name(),
            new StringSerializer(),
            Topics.EDGE_DECISIONS.valueSerde().serializer());
    aggregates =
        driver.createOutputTopic(
            Topics.REGIONAL_AGGREGATES.name(),
            new StringDeserializer(),
            Topics.REGIONAL_AGGREGATES.valueSerde().deserializer());
    export =
        driver.createOutputTopic(
            Topics.REGIONAL_EXPORT.name(),
            new StringDeserializer(),
            Topics.REGIONAL_EXPORT.valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            Topics.EDGE_SUMMARIES.deadLetterTopic(),
            new StringDeserializer(),
            new ByteArrayDeserializer());
  }

  private static RegionalSettings settings() {
    return RegionalSettings.defaults("eu-west")
        .withWindows(Duration.ofMinutes(1), GRACE, Duration.ZERO)
        .withMaxFutureSkew(Duration.ofHours(1));
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void send(EdgeSummary summary) {
    summaries.pipeInput(summary.getDeviceId(), summary);
  }

  /** A summary of another device far enough ahead to move stream time to {@code second}. */
  private void advanceStreamTimeTo(int second) {
    send(summary("gw-9", "site-z", "clock-" + second, "clock", second - 10, 0.0));
  }

  private Map<String, RegionalAggregate> finalAggregatesByKey() {
    return aggregates.readValuesToList().stream()
        .filter(a -> !a.getDeviceType().equals("clock"))
        .collect(Collectors.toMap(RegionalAggregate::getKey, a -> a));
  }

  @Test
  void shouldRollUpPerSiteAndPerDeviceTypeMatchingHandComputation() {
    start(settings());
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10, 20));
    send(summary("gw-1", "site-a", "d1", "chiller", 10, 30));
    send(summary("gw-2", "site-b", "d2", "chiller", 0, 40));
    send(summary("gw-2", "site-b", "d3", "pump", 20, 5));

    assertThat(aggregates.isEmpty()).as("nothing is final before the grace period").isTrue();
    advanceStreamTimeTo(71);

    Map<String, RegionalAggregate> out = finalAggregatesByKey();
    assertThat(out.keySet())
        .containsExactlyInAnyOrder(
            "site|site-a|chiller|temperature",
            "site|site-b|chiller|temperature",
            "site|site-b|pump|temperature",
            "type|chiller|temperature",
            "type|pump|temperature");

    RegionalAggregate siteA = out.get("site|site-a|chiller|temperature");
    assertThat(siteA.getScope()).isEqualTo(Scope.SITE);
    assertThat(siteA.getSiteId()).isEqualTo("site-a");
    assertThat(siteA.getWindowStart()).isEqualTo(T0);
    assertThat(siteA.getWindowEnd()).isEqualTo(T0.plusSeconds(60));
    assertThat(siteA.getStats().getCount()).isEqualTo(3);
    assertThat(siteA.getStats().getSum()).isEqualTo(60.0);
    assertThat(siteA.getStats().getMin()).isEqualTo(10.0);
    assertThat(siteA.getStats().getMax()).isEqualTo(30.0);
    assertThat(siteA.getDeviceCount()).isEqualTo(1);
    assertThat(siteA.getSummaryCount()).isEqualTo(2);
    assertThat(siteA.getAnomalyCount()).isEqualTo(1);
    assertThat(siteA.getRejectedCount()).isEqualTo(2);
    assertThat(siteA.getFilteredCount()).isEqualTo(4);
    assertThat(siteA.getRegion()).isEqualTo("eu-west");
    assertThat(siteA.getOriginRegion()).isEqualTo("eu-west");

    RegionalAggregate chillers = out.get("type|chiller|temperature");
    RunningStats expected = RunningStats.of(10, 20, 30, 40);
    assertThat(chillers.getScope()).isEqualTo(Scope.DEVICE_TYPE);
    assertThat(chillers.getSiteId()).isNull();
    assertThat(chillers.getStats().getCount()).isEqualTo(4);
    assertThat(chillers.getStats().getMean()).isCloseTo(expected.mean(), within(1e-12));
    assertThat(chillers.getStats().getM2()).isCloseTo(expected.m2(), within(1e-9));
    assertThat(chillers.getDeviceCount()).isEqualTo(2);
    assertThat(chillers.getSummaryCount()).isEqualTo(3);

    advanceStreamTimeTo(200);
    assertThat(finalAggregatesByKey()).as("each window is emitted once").isEmpty();
  }

  @Test
  void shouldMergeLateSummaryWithinGraceAndDeadLetterOneBeyondIt() {
    start(settings());
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10));
    advanceStreamTimeTo(65); // past the window end, within grace
    send(summary("gw-1", "site-a", "d2", "chiller", 50, 20));
    assertThat(counters.lateSummaries.sum()).isZero();

    advanceStreamTimeTo(75); // past end + grace: the window closes
    Map<String, RegionalAggregate> out = finalAggregatesByKey();
    assertThat(out.get("type|chiller|temperature").getStats().getCount()).isEqualTo(2);

    EdgeSummary tooLate = summary("gw-1", "site-a", "d3", "chiller", 40, 99);
    send(tooLate);

    assertThat(counters.lateSummaries.sum()).isEqualTo(1);
    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo("d3");
    assertThat(Topics.EDGE_SUMMARIES.valueSerde().deserializer().deserialize("t", dead.value()))
        .isEqualTo(tooLate);
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("late");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).contains("closed");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC))
        .isEqualTo("edge.summaries");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("4");
    assertThat(deadLetters.isEmpty()).isTrue();

    advanceStreamTimeTo(300);
    assertThat(finalAggregatesByKey()).as("a late summary never re-opens a window").isEmpty();
  }

  @Test
  void shouldDeadLetterTheBytesTheEdgeSentEvenInAnEarlierSchemaVersion() throws Exception {
    start(settings());
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10));
    advanceStreamTimeTo(75);
    EdgeSummary tooLate = summary("gw-1", "site-a", "d3", "chiller", 40, 99);
    byte[] asReleasedV1 = encodedAs("EdgeSummary-v1.avsc", tooLate);
    assertThat(asReleasedV1)
        .as("an earlier version's encoding differs from today's")
        .isNotEqualTo(Topics.EDGE_SUMMARIES.valueSerde().serializer().serialize("t", tooLate));

    rawSummaries.pipeInput("d3", asReleasedV1);

    assertThat(counters.lateSummaries.sum()).isEqualTo(1);
    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.value()).as("the dead letter holds what the edge sent").isEqualTo(asReleasedV1);
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
  }

  /** {@code summary} as an edge on a released schema version writes it. */
  private static byte[] encodedAs(String releasedSchema, EdgeSummary summary) throws Exception {
    Schema released;
    try (var in =
        SchemaCatalog.class.getResourceAsStream(
            "/dev/fieldline/schema/released/" + releasedSchema)) {
      released = new Schema.Parser().parse(in);
    }
    byte[] today = Topics.EDGE_SUMMARIES.valueSerde().serializer().serialize("t", summary);
    GenericRecord old =
        new BinaryMessageDecoder<GenericRecord>(
                GenericData.get(), released, SchemaCatalog.released())
            .decode(today);
    ByteBuffer encoded =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), released).encode(old);
    return Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
  }

  /**
   * Summaries reach the roll-up through the repartition topic from every edge.summaries partition;
   * one partition (its instance being replaced) falls behind while another replays a backlog.
   */
  @Test
  void shouldWaitForTheSlowestInputPartitionUntilItFallsSilent() {
    TestInputTopic<String, EdgeSummary> repartitioned = startWithTwoPartitionsHeard();
    String key = TWO_PARTITIONS_KEY;
    for (int second = 10; second <= 200; second += 10) { // partition 0 races ahead
      fromPartition(repartitioned, key, 0, summary("gw-1", "site-a", "d1", "chiller", second, 1));
    }
    // Partition 1 catches up with its summaries of the first window: not late.
    fromPartition(repartitioned, key, 1, summary("gw-1", "site-a", "d2", "chiller", 30, 40));
    assertThat(counters.lateSummaries.sum()).as("late summaries").isZero();
    assertThat(finalAggregatesByKey()).as("the first window waits for partition 1").isEmpty();

    // Partition 1 falls silent: after the source-idle time it no longer holds windows open.
    driver.advanceWallClockTime(Duration.ofMinutes(2).plusSeconds(2));
    List<RegionalAggregate> first =
        aggregates.readValuesToList().stream()
            .filter(a -> a.getKey().equals(key) && a.getWindowStart().equals(T0))
            .toList();
    assertThat(first).hasSize(1);
    assertThat(first.get(0).getStats().getCount()).as("both partitions' summaries").isEqualTo(8);
    assertThat(first.get(0).getDeviceCount()).isEqualTo(2);
  }

  /**
   * The region's only gateway is down for longer than a roll-up window: every input partition falls
   * silent together. When it comes back, one partition's upstream task replays the backlog at once
   * while another's (on an instance still taking over its tasks) follows half a minute later.
   */
  @Test
  void shouldWaitForEveryPartitionAgainWhenTheWholeInputResumesAfterAnOutage() {
    TestInputTopic<String, EdgeSummary> repartitioned = startWithTwoPartitionsHeard();
    String key = TWO_PARTITIONS_KEY;

    driver.advanceWallClockTime(Duration.ofSeconds(100)); // the gateway is down
    for (int second = 10; second <= 200; second += 10) { // partition 0 replays its backlog
      fromPartition(repartitioned, key, 0, summary("gw-1", "site-a", "d1", "chiller", second, 1));
    }
    // 130 s since partition 1 was heard, more than the source-idle time of 2 min by the wall
    // clock, but 100 s of it the whole input was silent.
    driver.advanceWallClockTime(Duration.ofSeconds(30));
    fromPartition(repartitioned, key, 1, summary("gw-1", "site-a", "d2", "chiller", 20, 40));
    assertThat(counters.lateSummaries.sum()).as("late summaries").isZero();
    assertThat(finalAggregatesByKey()).as("the first window waits for partition 1").isEmpty();

    fromPartition(repartitioned, key, 1, summary("gw-1", "site-a", "d2", "chiller", 200, 1));
    RegionalAggregate first =
        aggregates.readValuesToList().stream()
            .filter(a -> a.getKey().equals(key) && a.getWindowStart().equals(T0))
            .findFirst()
            .orElseThrow();
    assertThat(first.getStats().getCount()).as("both partitions' summaries").isEqualTo(8);
    assertThat(first.getDeviceCount()).isEqualTo(2);

    // A partition that stays silent while the others are heard still stops holding windows back.
    for (int second = 210; second <= 400; second += 10) {
      driver.advanceWallClockTime(Duration.ofSeconds(10));
      fromPartition(repartitioned, key, 0, summary("gw-1", "site-a", "d1", "chiller", second, 1));
    }
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(
            aggregates.readValuesToList().stream()
                .filter(a -> a.getKey().equals(key))
                .map(a -> a.getWindowStart().getEpochSecond() - T0.getEpochSecond())
                .toList())
        .as("windows closed while partition 1 was silent")
        .contains(180L, 240L, 300L);
  }

  /**
   * Starts the topology and sends the roll-up, through the repartition topic, one summary of the
   * first window from each of two input partitions; returns that topic.
   */
  private TestInputTopic<String, EdgeSummary> startWithTwoPartitionsHeard() {
    start(settings());
    TestInputTopic<String, EdgeSummary> repartitioned =
        driver.createInputTopic(
            "regional-test-by-device-type-repartition",
            new StringSerializer(),
            Topics.EDGE_SUMMARIES.valueSerde().serializer());
    String key = TWO_PARTITIONS_KEY;
    fromPartition(repartitioned, key, 0, summary("gw-1", "site-a", "d1", "chiller", 0, 10));
    fromPartition(repartitioned, key, 1, summary("gw-1", "site-a", "d2", "chiller", 0, 20));
    return repartitioned;
  }

  private static void fromPartition(
      TestInputTopic<String, EdgeSummary> topic, String key, int partition, EdgeSummary s) {
    org.apache.kafka.common.header.internals.RecordHeaders headers =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(
        "fieldline.source.partition",
        Integer.toString(partition).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    topic.pipeInput(new TestRecord<>(key, s, headers, s.getWindowEnd()));
  }

  @Test
  void shouldDeadLetterSummaryFromTheFutureWithoutHoldingWindowsOpen() {
    start(settings().withMaxFutureSkew(Duration.ofMinutes(5)));
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10));
    // An hour ahead of the test's clock and of the real one, as a gateway with a wrong clock sends.
    int aheadOfRealClock = (int) (Instant.now().getEpochSecond() - T0.getEpochSecond()) + 3_600;
    EdgeSummary skewed = summary("gw-7", "site-a", "d7", "chiller", aheadOfRealClock, 50);
    send(skewed);
    send(summary("gw-1", "site-a", "d1", "chiller", 10, 30));

    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertThat(dead.key()).isEqualTo("d7");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).isEqualTo("future");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).contains("ahead");
    assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(counters.futureSummaries.sum()).isEqualTo(1);

    driver.advanceWallClockTime(Duration.ofMinutes(2));
    advanceStreamTimeTo(80);
    assertThat(finalAggregatesByKey().get("type|chiller|temperature").getStats().getCount())
        .isEqualTo(2);
  }

  @Test
  void shouldCountSummaryResentByEdgeOnce() {
    start(settings());
    EdgeSummary summary = summary("gw-1", "site-a", "d1", "chiller", 0, 10, 20);
    send(summary);
    send(summary);
    send(summary("gw-1", "site-a", "d1", "chiller", 10, 30));
    send(summary);

    advanceStreamTimeTo(80);

    RegionalAggregate chillers = finalAggregatesByKey().get("type|chiller|temperature");
    assertThat(chillers.getStats().getCount()).isEqualTo(3);
    assertThat(chillers.getSummaryCount()).isEqualTo(2);
    assertThat(counters.duplicates.sum()).isEqualTo(2);
  }

  @Test
  void shouldCountAnOlderWindowSeenForTheFirstTimeAndDropItsResends() {
    start(settings());
    EdgeSummary newer = summary("gw-1", "site-a", "d1", "chiller", 20, 30);
    EdgeSummary older = summary("gw-1", "site-a", "d1", "chiller", 0, 10, 20);
    send(newer);
    send(older); // never seen, though older than what was: counted
    send(older);
    send(newer);
    send(summary("gw-2", "site-a", "d1", "chiller", 0, 40)); // same window, other gateway

    advanceStreamTimeTo(80);

    RegionalAggregate chillers = finalAggregatesByKey().get("type|chiller|temperature");
    assertThat(chillers.getSummaryCount()).isEqualTo(3);
    assertThat(chillers.getStats().getCount()).isEqualTo(4);
    assertThat(counters.duplicates.sum()).isEqualTo(2);
  }

  @Test
  void shouldSendUndecodableRecordsToDeadLetterTopicAndKeepGoing() {
    start(settings());
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10));
    byte[] garbage = "{not avro}".getBytes(StandardCharsets.UTF_8);
    rawSummaries.pipeInput("d9", garbage);
    byte[] unknownFingerprint =
        Topics.EDGE_SUMMARIES
            .valueSerde()
            .serializer()
            .serialize("t", summary("gw-1", "site-a", "d8", "chiller", 0, 1));
    unknownFingerprint[5] ^= 0x11;
    rawSummaries.pipeInput("d8", unknownFingerprint);
    send(summary("gw-1", "site-a", "d2", "chiller", 10, 30));
    advanceStreamTimeTo(80);

    List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(2);
    assertThat(dead.get(0).key()).isEqualTo("d9");
    assertThat(dead.get(0).value()).isEqualTo(garbage);
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.REASON))
        .isEqualTo("undecodable");
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.ERROR))
        .contains("not an Avro single-object payload");
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_TOPIC))
        .isEqualTo("edge.summaries");
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_PARTITION))
        .isEqualTo("0");
    assertThat(DeadLetters.header(dead.get(0).headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(DeadLetters.header(dead.get(1).headers(), DeadLetters.ERROR))
        .contains("unknown schema fingerprint")
        .contains("edge.summaries");
    assertThat(counters.undecodable.sum()).isEqualTo(2);
    assertThat(finalAggregatesByKey().get("type|chiller|temperature").getStats().getCount())
        .as("the good summaries around the bad ones are all counted")
        .isEqualTo(2);
  }

  @Test
  void shouldLetNothingIdentifyingLeaveUnderEuPolicy() {
    ResidencyPolicy eu =
        new ResidencyPolicy(
            ResidencyPolicy.Identifiers.PSEUDONYMIZE,
            Set.of(),
            Set.of(),
            new Pseudonymizer("eu-west-regional-secret-0001"));
    start(settings().withResidency(eu));
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10));
    send(summary("gw-2", "site-b", "d2", "chiller", 0, 20));
    advanceStreamTimeTo(80);

    List<TestRecord<String, RegionalAggregate>> exported =
        export.readRecordsToList().stream()
            .filter(r -> !r.value().getDeviceType().equals("clock"))
            .toList();
    assertThat(exported).hasSize(3);
    for (TestRecord<String, RegionalAggregate> record : exported) {
      String everything = record.key() + " " + record.value();
      for (String identifier : List.of("site-a", "site-b", "d1", "d2", "gw-1", "gw-2")) {
        assertThat(everything).doesNotContain(identifier);
      }
      assertThat(record.key()).isEqualTo(record.value().getKey());
    }
    assertThat(exported)
        .filteredOn(r -> r.value().getScope() == Scope.SITE)
        .extracting(r -> r.value().getSiteId())
        .hasSize(2)
        .allMatch(site -> site.startsWith("ps-"))
        .doesNotHaveDuplicates();
    assertThat(finalAggregatesByKey()).containsKey("site|site-a|chiller|temperature");
  }

  @Test
  void shouldWithholdSiteScopeWhenIdentifiersAreDroppedAndZeroDroppedFields() {
    ResidencyPolicy strict =
        new ResidencyPolicy(
            ResidencyPolicy.Identifiers.DROP, Set.of(), Set.of("anomalyCount"), null);
    start(settings().withResidency(strict));
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10, 11));
    advanceStreamTimeTo(80);

    List<RegionalAggregate> exported =
        export.readValuesToList().stream().filter(a -> !a.getDeviceType().equals("clock")).toList();
    assertThat(exported)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.getScope()).isEqualTo(Scope.DEVICE_TYPE);
              assertThat(a.getAnomalyCount()).isZero();
              assertThat(a.getStats().getCount()).isEqualTo(2);
            });
    assertThat(counters.withheld.sum()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldKeepDeviceHealthWithLatestSummaryAndRecentDecisions() {
    start(settings());
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10));
    send(summary("gw-1", "site-a", "d1", "chiller", 10, 12, 14));
    for (int seq = 1; seq <= 12; seq++) {
      decisions.pipeInput("d1", decision("d1", seq, 10 + seq));
    }
    // Summaries and decisions update the same entry, in whatever order they come.
    send(summary("gw-1", "site-a", "d1", "chiller", -10, 7));

    KeyValueStore<String, DeviceHealth> table =
        driver.getKeyValueStore(RegionalTopology.DEVICE_HEALTH_STORE);
    DeviceHealth health = table.get("d1");

    assertThat(health.siteId).isEqualTo("site-a");
    assertThat(health.gatewayId).isEqualTo("gw-1");
    assertThat(health.summaries).isEqualTo(3);
    assertThat(health.decisions).isEqualTo(12);
    assertThat(health.lastSeen).isEqualTo(T0.plusSeconds(22).plusMillis(1).toEpochMilli());
    assertThat(health.metrics.get("temperature").windowStart)
        .isEqualTo(T0.plusSeconds(10).toEpochMilli());
    assertThat(health.metrics.get("temperature").mean).isEqualTo(13.0);
    assertThat(health.recentDecisions).hasSize(10);
    assertThat(health.recentDecisions.get(0).readingSeq).isEqualTo(12);
    assertThat(health.recentDecisions.get(0).featureVersion).isEqualTo(4L);
    assertThat(table.get("unknown")).isNull();
  }

  @Test
  void shouldSumMissingReadingsAndRestartsIntoRollUpsAndDeviceHealth() {
    start(settings());
    send(gaps(summary("gw-1", "site-a", "d1", "chiller", 0, 10, 20), 3, 0));
    send(gaps(summary("gw-1", "site-a", "d1", "chiller", 10, 30), 2, 1));
    send(gaps(summary("gw-2", "site-a", "d2", "chiller", 0, 40), 5, 0));
    send(gaps(summary("gw-2", "site-a", "d2", "chiller", 0, 40), 5, 0)); // resent: counted once
    advanceStreamTimeTo(71);

    Map<String, RegionalAggregate> out = finalAggregatesByKey();
    assertThat(out.get("site|site-a|chiller|temperature").getMissingCount()).isEqualTo(10);
    assertThat(out.get("type|chiller|temperature").getMissingCount()).isEqualTo(10);
    assertThat(out.get("type|chiller|temperature").getRestartCount()).isEqualTo(1);
    assertThat(counters.readingsMissing.sum()).isEqualTo(10);

    KeyValueStore<String, DeviceHealth> table =
        driver.getKeyValueStore(RegionalTopology.DEVICE_HEALTH_STORE);
    assertThat(table.get("d1").missing).isEqualTo(5);
    assertThat(table.get("d1").restarts).isEqualTo(1);
    assertThat(table.get("d1").metrics.get("temperature").missing).isEqualTo(5);
    assertThat(table.get("d2").missing).isEqualTo(5);
  }

  @Test
  void shouldMergeTheSummariesSketchesIntoTheDeviceTypeRollUpAndCountAnUnreadableOne() {
    start(settings());
    send(sketched(summary("gw-1", "site-a", "d1", "chiller", 0, 10, 20), 10, 20));
    send(sketched(summary("gw-1", "site-a", "d1", "chiller", 10, 30), 30));
    send(sketched(summary("gw-2", "site-b", "d2", "chiller", 0, 40, 50), 40, 50));
    EdgeSummary garbled =
        EdgeSummary.newBuilder(summary("gw-2", "site-b", "d3", "chiller", 20, 60))
            .setSketch(java.nio.ByteBuffer.wrap(new byte[] {9, 9, 9}))
            .build();
    send(garbled);
    advanceStreamTimeTo(71);

    Map<String, RegionalAggregate> out = finalAggregatesByKey();
    RegionalAggregate chillers = out.get("type|chiller|temperature");
    assertThat(chillers.getStats().getCount())
        .as("the garbled sketch's summary still counts")
        .isEqualTo(6);
    ValueSketch merged = ValueSketch.fromBytes(bytes(chillers.getSketch()));
    assertThat(merged.count()).isEqualTo(5);
    assertThat(merged.quantile(0)).isCloseTo(10, within(0.1));
    assertThat(merged.quantile(0.5)).isCloseTo(30, within(0.3));
    assertThat(merged.quantile(1)).isCloseTo(50, within(0.5));
    assertThat(out.get("site|site-a|chiller|temperature").getSketch())
        .as("sites are not sketched")
        .isNull();
    assertThat(counters.unreadableSketches.sum()).isEqualTo(1);
  }

  private static EdgeSummary sketched(EdgeSummary summary, double... values) {
    ValueSketch sketch = ValueSketch.empty();
    for (double value : values) {
      sketch.add(value);
    }
    return EdgeSummary.newBuilder(summary)
        .setSketch(java.nio.ByteBuffer.wrap(sketch.toBytes()))
        .build();
  }

  private static byte[] bytes(java.nio.ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static EdgeSummary gaps(EdgeSummary summary, long missing, long restarts) {
    return EdgeSummary.newBuilder(summary)
        .setMissingCount(missing)
        .setRestartCount(restarts)
        .build();
  }

  @Test
  void shouldCloseWindowsOfASilentStreamByWallClockWhenIdleCloseIsSet() {
    start(
        RegionalSettings.defaults("eu-west")
            .withWindows(Duration.ofMinutes(1), GRACE, Duration.ofSeconds(5))
            .withMaxFutureSkew(Duration.ofHours(1)));
    send(summary("gw-1", "site-a", "d1", "chiller", 0, 10));

    driver.advanceWallClockTime(Duration.ofSeconds(70));
    assertThat(aggregates.isEmpty()).as("not before end + grace + idle-close").isTrue();
    driver.advanceWallClockTime(Duration.ofSeconds(6));

    assertThat(finalAggregatesByKey()).hasSize(2);
    send(summary("gw-1", "site-a", "d2", "chiller", 20, 10));
    assertThat(counters.lateSummaries.sum()).isEqualTo(1);
  }
}
