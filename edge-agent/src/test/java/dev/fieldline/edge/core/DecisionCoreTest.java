package dev.fieldline.edge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fieldline.edge.anomaly.DetectorSettings;
import dev.fieldline.edge.core.filters.FilterSpec;
import dev.fieldline.edge.core.rules.RuleKind;
import dev.fieldline.edge.core.rules.RuleSpec;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import dev.fieldline.schema.v1.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionCoreTest {
  private static final long T0 = 1_767_607_200_000L; // a 10-second boundary
  private static final String TOPIC = "sites/s1/devices/d1/telemetry";

  private final RecordingSink sink = new RecordingSink();
  private final CoreCounters counters = new CoreCounters();
  private FeatureUpdate feature;

  private DecisionCore core(List<FilterSpec> filters, List<RuleSpec> rules) {
    return new DecisionCore(
        CoreSettings.defaults(filters, rules),
        (type, metric) -> feature != null && type.equals("chiller") ? feature : null,
        sink,
        counters);
  }

  private static byte[] json(long seq, long ts, double value) {
    return json("d1", seq, ts, value);
  }

  /** A chiller's temperature reading in Fieldline JSON. */
  static byte[] json(String deviceId, long seq, long ts, double value) {
    return ("{\"deviceId\":\""
            + deviceId
            + "\",\"type\":\"chiller\",\"ts\":"
            + ts
            + ",\"seq\":"
            + seq
            + ",\"metrics\":{\"temperature\":"
            + value
            + "}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void send(DecisionCore core, long seq, double value) {
    core.onMessage(TOPIC, json(seq, T0 + seq * 100, value), System.nanoTime(), T0 + seq * 100);
  }

  /** "overheat": throttle chillers above {@code above}, resume below {@code clearBelow}. */
  static RuleSpec threshold(double above, double clearBelow, int n, int m) {
    return new RuleSpec(
        "overheat",
        RuleKind.THRESHOLD,
        "chiller",
        "temperature",
        above,
        Double.NaN,
        Double.NaN,
        clearBelow,
        n,
        m,
        0,
        "throttle",
        Map.of("level", "50"),
        "resume");
  }

  @Test
  void shouldCommandOnceWhenThresholdIsCrossedAndClearWhenItIsNoLonger() {
    DecisionCore core = core(List.of(), List.of(threshold(80, Double.NaN, 1, 1)));

    send(core, 1, 70);
    send(core, 2, 81);
    send(core, 3, 85);
    send(core, 4, 79);

    assertThat(sink.commands).extracting(c -> c.getAction()).containsExactly("throttle", "resume");
    assertThat(sink.commands.get(0).getReadingSeq()).isEqualTo(2);
    assertThat(sink.commands.get(0).getArgs()).containsEntry("level", "50");
    assertThat(sink.commandSites).containsOnly("s1");
    assertThat(sink.decisions).extracting(d -> d.getAction()).containsExactly("throttle", "clear");
    assertThat(sink.decisions.get(0).getDecisionLatencyNanos()).isPositive();
    assertThat(counters.anomalies.sum()).isEqualTo(2);
  }

  @Test
  void shouldHoldUntilTheSeparateClearConditionWithHysteresis() {
    DecisionCore core = core(List.of(), List.of(threshold(80, 75, 1, 1)));

    send(core, 1, 81);
    send(core, 2, 78); // below the trigger, above the clear level: still active
    send(core, 3, 82); // already active: no second command
    send(core, 4, 74);

    assertThat(sink.commands).extracting(c -> c.getAction()).containsExactly("throttle", "resume");
    assertThat(sink.commands.get(1).getReadingSeq()).isEqualTo(4);
  }

  @Test
  void shouldFireOnlyWhenNOfTheLastMReadingsTrigger() {
    DecisionCore core = core(List.of(), List.of(threshold(80, Double.NaN, 3, 5)));

    send(core, 1, 81);
    send(core, 2, 70);
    send(core, 3, 81);
    assertThat(sink.commands).isEmpty();
    send(core, 4, 81);

    assertThat(sink.commands)
        .singleElement()
        .satisfies(c -> assertThat(c.getReadingSeq()).isEqualTo(4));
  }

  @Test
  void shouldTriggerOutsideABand() {
    RuleSpec band =
        new RuleSpec(
            "band",
            RuleKind.THRESHOLD,
            null,
            "temperature",
            30,
            10,
            Double.NaN,
            Double.NaN,
            1,
            1,
            0,
            "alarm",
            Map.of(),
            null);
    DecisionCore core = core(List.of(), List.of(band));

    send(core, 1, 20);
    send(core, 2, 5);
    send(core, 3, 20);
    send(core, 4, 35);

    assertThat(sink.commands).extracting(c -> c.getReadingSeq()).containsExactly(2L, 4L);
    assertThat(sink.decisions)
        .extracting(d -> d.getAction())
        .containsExactly("alarm", "clear", "alarm");
  }

  @Test
  void shouldTriggerOnRateOfChangePerSecond() {
    RuleSpec spike =
        new RuleSpec(
            "spike",
            RuleKind.RATE_OF_CHANGE,
            null,
            "temperature",
            50,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            1,
            1,
            0,
            "inspect",
            Map.of(),
            null);
    DecisionCore core = core(List.of(), List.of(spike));

    send(core, 1, 20); // no previous reading: no rate
    send(core, 2, 24); // 4 per 100 ms = 40/s
    send(core, 3, 30); // 60/s

    assertThat(sink.commands)
        .singleElement()
        .satisfies(c -> assertThat(c.getReadingSeq()).isEqualTo(3));
    assertThat(sink.decisions.get(0).getReason()).contains("60.0/s");
  }

  @Test
  void shouldUseLatestFeaturesForZScoreAndStayQuietWithoutThem() {
    RuleSpec z =
        new RuleSpec(
            "z",
            RuleKind.ZSCORE,
            "chiller",
            "temperature",
            3,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            1,
            1,
            100,
            "inspect",
            Map.of(),
            null);
    DecisionCore core = core(List.of(), List.of(z));

    send(core, 1, 100);
    assertThat(sink.commands).as("no features: no opinion").isEmpty();

    feature = feature(7, 20, 2, 50);
    send(core, 2, 100);
    assertThat(sink.commands).as("too few values behind the features").isEmpty();

    feature = feature(8, 20, 2, 5_000);
    send(core, 3, 25);
    send(core, 4, 27);

    assertThat(sink.commands)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getReadingSeq()).isEqualTo(4);
              assertThat(c.getFeatureVersion()).isEqualTo(8L);
            });
    assertThat(sink.decisions.get(0).getFeatureVersion()).isEqualTo(8L);
  }

  @Test
  void shouldFireAnAnomalyRuleOnAReadingUnlikeTheDevicesHistory() {
    RuleSpec unusual =
        new RuleSpec(
            "unusual",
            RuleKind.ANOMALY,
            "chiller",
            "temperature",
            0.5,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            1,
            1,
            0,
            "inspect",
            Map.of(),
            null);
    DecisionCore core = core(List.of(), List.of(unusual));
    for (int seq = 1; seq <= 400; seq++) {
      send(core, seq, 20 + 0.2 * Math.sin(seq * 0.7)); // a bounded wobble: nothing unusual
    }
    assertThat(sink.commands).isEmpty();
    send(core, 401, 35);

    assertThat(sink.commands)
        .singleElement()
        .satisfies(c -> assertThat(c.getReadingSeq()).isEqualTo(401));
    assertThat(sink.decisions.get(0).getReason()).contains("anomaly score 1.0");
  }

  @Test
  void shouldFilterDuplicateAndOutOfOrderSequenceNumbers() {
    DecisionCore core = core(List.of(), List.of());

    send(core, 5, 1);
    send(core, 5, 1);
    send(core, 3, 1);
    send(core, 6, 1);

    assertThat(sink.accepted).extracting(AcceptedReading::seq).containsExactly(5L, 6L);
    assertThat(counters.filtered(FilterReason.DUPLICATE)).isEqualTo(1);
    assertThat(counters.filtered(FilterReason.OUT_OF_ORDER)).isEqualTo(1);
  }

  @Test
  void shouldFilterImplausibleValuesDeadbandAndRate() {
    FilterSpec spec =
        new FilterSpec("chiller", "temperature", -50, 150, 0.5, Duration.ofMillis(150));
    DecisionCore core = core(List.of(spec), List.of());

    send(core, 1, 20.0); // accepted
    send(core, 2, 30.0); // 100 ms after the last accepted: rate-limited
    send(core, 3, 20.2); // within the deadband of 20.0
    send(core, 5, 900); // implausible
    send(core, 7, 21.0); // accepted

    assertThat(sink.accepted).extracting(AcceptedReading::value).containsExactly(20.0, 21.0);
    assertThat(counters.filtered(FilterReason.RATE_LIMITED)).isEqualTo(1);
    assertThat(counters.filtered(FilterReason.DEADBAND)).isEqualTo(1);
    assertThat(counters.filtered(FilterReason.OUT_OF_RANGE)).isEqualTo(1);
  }

  @Test
  void shouldLetTheFleetsNormalStandInWhileADeviceWarmsUpAndAShadowRuleOnlyRecord() {
    RuleSpec withFleet = anomaly("unusual", true, false);
    RuleSpec alone = anomaly("unusual-alone", false, true);
    DecisionCore core = core(List.of(), List.of(withFleet, alone));
    feature = feature(3, 20, 1, 5_000); // learned band 17-23
    for (int seq = 1; seq <= 10; seq++) {
      send(core, seq, 20 + 0.1 * (seq % 3));
    }
    send(core, 11, 35);

    assertThat(sink.decisions)
        .as("only the detector with the fleet's normal knows 35 is unusual this early")
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.getRuleId()).isEqualTo("unusual");
              assertThat(d.getReadingSeq()).isEqualTo(11);
              assertThat(d.getFeatureVersion()).isEqualTo(3L);
            });
    assertThat(sink.commands).extracting(c -> c.getRuleId()).containsExactly("unusual");

    // Past the warm-up: the early 35 stayed out of the range the first detector learned, while the
    // second learned it as normal.
    for (int seq = 12; seq <= 300; seq++) {
      send(core, seq, 20 + 0.1 * (seq % 3));
    }
    send(core, 301, 30);
    assertThat(fired(301)).containsExactly("unusual");

    // Beyond both ranges, both fire; the shadow rule's decision is recorded, but it sends no
    // command.
    for (int seq = 302; seq <= 400; seq++) {
      send(core, seq, 20 + 0.1 * (seq % 3));
    }
    send(core, 401, 45);
    assertThat(fired(401)).containsExactlyInAnyOrder("unusual", "unusual-alone");
    assertThat(sink.commands)
        .filteredOn(c -> c.getReadingSeq() == 401)
        .extracting(c -> c.getRuleId())
        .containsExactly("unusual");
  }

  private List<String> fired(long seq) {
    return sink.decisions.stream()
        .filter(d -> d.getReadingSeq() == seq && !d.getAction().equals("clear"))
        .map(d -> d.getRuleId())
        .toList();
  }

  private static RuleSpec anomaly(String id, boolean fleetPriors, boolean shadow) {
    return new RuleSpec(
        id,
        RuleKind.ANOMALY,
        "chiller",
        "temperature",
        0.5,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        1,
        1,
        0,
        "inspect",
        Map.of(),
        null,
        DetectorSettings.defaults().withQuiet(5).withFleetPriors(fleetPriors),
        shadow);
  }

  @Test
  void shouldKeepOneCopyOfASiteIdAndADeviceTypeForAllTheirDevices() {
    DecisionCore core = core(List.of(), List.of());
    for (String device : List.of("d1", "d2", "d3")) {
      // New strings for every message, as the MQTT client and the parser hand them over.
      String topic = new String("sites/s1/devices/" + device + "/telemetry");
      core.onMessage(topic, json(device, 1, T0, 20), System.nanoTime(), T0);
    }
    core.closeWindows(T0 + 30_000);

    assertThat(sink.summaries).hasSize(3);
    EdgeSummary first = sink.summaries.get(0);
    assertThat(first.getSiteId()).isEqualTo("s1");
    assertThat(first.getDeviceType()).isEqualTo("chiller");
    for (EdgeSummary summary : sink.summaries) {
      assertThat(summary.getSiteId()).isSameAs(first.getSiteId());
      assertThat(summary.getDeviceType()).isSameAs(first.getDeviceType());
    }
  }

  @Test
  void shouldSketchTheAcceptedReadingsOfEveryWindow() {
    DecisionCore core = core(List.of(), List.of());
    for (int seq = 1; seq <= 50; seq++) {
      send(core, seq, seq);
    }
    core.closeWindows(T0 + 30_000);

    EdgeSummary summary = sink.summaries.get(0);
    ValueSketch sketch = ValueSketch.fromBytes(summary.getSketch().array());
    assertThat(sketch.count()).isEqualTo(summary.getStats().getCount()).isEqualTo(50);
    assertThat(sketch.quantile(0)).isCloseTo(1, within(0.01));
    assertThat(sketch.quantile(0.5)).isCloseTo(25, within(0.5));
    assertThat(sketch.quantile(1)).isCloseTo(50, within(0.5));
  }

  @Test
  void shouldCloseWindowsOnTimeEvenWhenTheDeviceFallsSilent() {
    DecisionCore core = core(List.of(), List.of(threshold(80, Double.NaN, 1, 1)));
    send(core, 1, 10);
    send(core, 2, 20);
    send(core, 3, 90);
    send(core, 4, 30);

    assertThat(core.closeWindows(T0 + 10_999)).as("within grace").isZero();
    assertThat(core.closeWindows(T0 + 11_000)).isEqualTo(1);

    EdgeSummary summary = sink.summaries.get(0);
    assertThat(summary.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
    assertThat(summary.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 10_000));
    assertThat(summary.getStats().getCount()).isEqualTo(4);
    assertThat(summary.getStats().getSum()).isEqualTo(150.0);
    assertThat(summary.getStats().getMax()).isEqualTo(90.0);
    assertThat(summary.getFirstSeq()).isEqualTo(1);
    assertThat(summary.getLastSeq()).isEqualTo(4);
    assertThat(summary.getAnomalyCount()).isEqualTo(1);
    assertThat(summary.getDecisionCount()).isEqualTo(2);
    assertThat(summary.getGatewayId()).isEqualTo("gw-test");
    assertThat(summary.getSiteId()).isEqualTo("s1");
    assertThat(summary.getDeviceType()).isEqualTo("chiller");
    assertThat(core.openWindows()).isZero();
  }

  /** Closed windows are reopened as their metric's next ones: nothing may carry over. */
  @Test
  void shouldStartEveryWindowEmptyThoughItReusesAClosedOne() {
    FilterSpec range = new FilterSpec("chiller", "temperature", -50, 150, 0, Duration.ZERO);
    DecisionCore core = core(List.of(range), List.of(threshold(80, Double.NaN, 1, 1)));
    for (int seq = 1; seq <= 41; seq++) { // busy enough to need a sketch; one command; a gap
      if (seq != 30) {
        send(core, seq, seq == 20 ? 90 : seq);
      }
    }
    send(core, 42, 900); // implausible: filtered
    // A reading 12 s on opens the second window and closes the first; the third reuses it.
    core.onMessage(TOPIC, json(43, T0 + 12_000, 3), System.nanoTime(), T0 + 12_000);
    core.closeWindows(T0 + 12_000);
    core.onMessage(TOPIC, json(44, T0 + 22_000, 5), System.nanoTime(), T0 + 22_000);
    core.onMessage(TOPIC, json(45, T0 + 22_100, 7), System.nanoTime(), T0 + 22_100);
    core.onMessage(TOPIC, json(46, T0 + 35_000, 1), System.nanoTime(), T0 + 35_000);
    core.closeWindows(T0 + 35_000);

    assertThat(sink.summaries).hasSize(3);
    EdgeSummary first = sink.summaries.get(0);
    assertThat(first.getStats().getCount()).isEqualTo(40);
    assertThat(first.getFilteredCount()).isEqualTo(1);
    assertThat(first.getDecisionCount()).isEqualTo(2);
    assertThat(first.getAnomalyCount()).isEqualTo(1);
    assertThat(first.getMissingCount()).isGreaterThan(0);
    EdgeSummary third = sink.summaries.get(2);
    assertThat(third.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0 + 20_000));
    assertThat(third.getStats().getCount()).isEqualTo(2);
    assertThat(third.getStats().getMin()).isEqualTo(5.0);
    assertThat(third.getStats().getMax()).isEqualTo(7.0);
    assertThat(third.getStats().getSum()).isEqualTo(12.0);
    assertThat(third.getFirstSeq()).isEqualTo(44);
    assertThat(third.getLastSeq()).isEqualTo(45);
    assertThat(third.getFilteredCount()).isZero();
    assertThat(third.getDecisionCount()).isZero();
    assertThat(third.getAnomalyCount()).isZero();
    assertThat(third.getMissingCount()).isZero();
    ValueSketch sketch = ValueSketch.fromBytes(third.getSketch().array());
    assertThat(sketch.count()).isEqualTo(2);
    assertThat(sketch.quantile(1)).isCloseTo(7, within(0.1));
  }

  @Test
  void shouldSummarizeABacklogByTheDeviceEventTimeInsteadOfDroppingItAsLate() {
    DecisionCore core = core(List.of(), List.of());
    long now = T0 + 60_000; // the gateway was away for a minute; the broker re-sends its backlog
    for (long seq = 1; seq <= 26; seq++) {
      core.onMessage(TOPIC, json(seq, T0 + (seq - 1) * 1_000, seq), System.nanoTime(), now);
    }

    core.closeWindows(now);

    assertThat(counters.filtered(FilterReason.LATE)).isZero();
    assertThat(sink.summaries)
        .extracting(s -> s.getStats().getCount())
        .as("windows up to the device's own time minus grace are final, the last one is not")
        .containsExactly(10L, 10L);
    assertThat(core.openWindows()).isEqualTo(1);
    core.closeWindows(now + 5_000); // silent for the idle time: closed by the clock
    assertThat(sink.summaries).hasSize(3);
    assertThat(counters.summarizedReadings.sum()).isEqualTo(26);
  }

  @Test
  void shouldEmitTheWindowsOfABacklogInWindowOrderAcrossDevices() {
    // Upstream, the roll-up keeps event time per partition and holds summaries as late once it
    // passes their window by its grace: summaries of several devices share a partition, so a
    // backlog closed in one pass must not send one device's latest window before another's first.
    DecisionCore core = core(List.of(), List.of());
    long now = T0 + 120_000;
    for (long seq = 1; seq <= 100; seq++) {
      for (String device : List.of("d1", "d2", "d3")) {
        byte[] json = json(seq, T0 + (seq - 1) * 1_000, seq);
        String topic = "sites/s1/devices/" + device + "/telemetry";
        core.onMessage(
            topic,
            new String(json, StandardCharsets.UTF_8)
                .replace("\"d1\"", "\"" + device + "\"")
                .getBytes(StandardCharsets.UTF_8),
            System.nanoTime(),
            now);
      }
    }

    int closed = core.closeWindows(now);

    assertThat(closed).as("nine windows of each of three devices are final").isEqualTo(27);
    assertThat(sink.summaries)
        .extracting(s -> s.getWindowStart().toEpochMilli())
        .isSorted()
        .startsWith(T0, T0, T0);
    assertThat(sink.summaries.subList(0, 3))
        .extracting(EdgeSummary::getDeviceId)
        .as("devices of one window keep their order")
        .containsExactly("d1", "d2", "d3");
  }

  @Test
  void shouldKeepWindowsOpenWhileTheAgentCannotHearItsDevices() {
    DecisionCore core = core(List.of(), List.of());
    for (long seq = 1; seq <= 3; seq++) { // readings at T0 .. T0 + 2 s, heard at once
      long ts = T0 + (seq - 1) * 1_000;
      core.onMessage(TOPIC, json(seq, ts, 20.0), System.nanoTime(), ts);
    }
    long cutAt = T0 + 2_500;

    // The link is down for a minute: nobody is silent, the agent is deaf.
    for (long now = cutAt; now <= cutAt + 60_000; now += 1_000) {
      assertThat(core.closeWindows(now, now)).as("closed while deaf at %d", now).isZero();
    }
    long reconnected = cutAt + 60_000;
    assertThat(core.closeWindows(reconnected + 4_999, reconnected))
        .as("the idle time counts from the reconnect")
        .isZero();
    // The broker re-sends what waited: the rest of the first window arrives, nothing is late.
    for (long seq = 4; seq <= 10; seq++) {
      core.onMessage(
          TOPIC, json(seq, T0 + (seq - 1) * 1_000, 20.0), System.nanoTime(), reconnected + 100);
    }
    assertThat(counters.filtered(FilterReason.LATE)).isZero();
    assertThat(core.closeWindows(reconnected + 5_100, reconnected)).isEqualTo(1);
    assertThat(sink.summaries).extracting(s -> s.getStats().getCount()).containsExactly(10L);
  }

  @Test
  void shouldCountAReadingRejectedForItsValueInItsWindowButNeverOpenStateForIt() {
    DecisionCore core = core(List.of(), List.of());
    send(core, 1, 10);
    send(core, 2, Double.NaN);
    send(core, 3, 12);
    // A device the agent does not know yet: rejected and counted, but no state and no summary.
    core.onMessage(
        "sites/s1/devices/d2/telemetry",
        json("d2", 1, T0 + 400, Double.NaN),
        System.nanoTime(),
        T0 + 400);
    core.closeAll();

    assertThat(counters.rejected(RejectReason.NOT_FINITE)).isEqualTo(2);
    assertThat(sink.summaries)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getDeviceId()).isEqualTo("d1");
              assertThat(s.getStats().getCount()).isEqualTo(2);
              assertThat(s.getRejectedCount()).isEqualTo(1);
            });
  }

  @Test
  void shouldFilterReadingForAClosedWindowAsLateAndCountEveryReadingOnce() {
    DecisionCore core = core(List.of(), List.of());
    send(core, 1, 10);
    core.closeWindows(T0 + 11_000);

    core.onMessage(TOPIC, json(2, T0 + 500, 11), System.nanoTime(), T0 + 11_500);

    assertThat(counters.filtered(FilterReason.LATE)).isEqualTo(1);
    assertThat(counters.summarizedReadings.sum()).isEqualTo(counters.accepted.sum());
    assertThat(counters.received.sum())
        .isEqualTo(counters.accepted.sum() + counters.rejectedTotal() + counters.filteredTotal());
  }

  @Test
  void shouldCloseEveryOpenWindowOnShutdownAndRestoreFromJournal() {
    DecisionCore core = core(List.of(), List.of());
    send(core, 1, 10);
    send(core, 2, 12);
    List<AcceptedReading> journaled = List.copyOf(sink.accepted);

    DecisionCore restarted = core(List.of(), List.of());
    restarted.restore(journaled, T0 + 300);
    send(restarted, 2, 12); // redelivered after the restart
    send(restarted, 3, 14);
    restarted.closeAll();

    assertThat(sink.summaries)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getStats().getCount()).isEqualTo(3);
              assertThat(s.getLastSeq()).isEqualTo(3);
            });
    assertThat(counters.filtered(FilterReason.DUPLICATE)).isEqualTo(1);
  }

  @Test
  void shouldAcceptAvroSingleObjectReadings() {
    DecisionCore core = core(List.of(), List.of(threshold(80, Double.NaN, 1, 1)));
    Reading reading =
        Reading.newBuilder()
            .setDeviceId("d1")
            .setSiteId("ignored")
            .setDeviceType("chiller")
            .setMetric("temperature")
            .setValue(99)
            .setEventTime(Instant.ofEpochMilli(T0))
            .setSeq(1)
            .build();

    core.onMessage(TOPIC, AvroCodec.of(Reading.class).encode(reading), System.nanoTime(), T0);

    assertThat(sink.accepted)
        .singleElement()
        .satisfies(r -> assertThat(r.siteId()).isEqualTo("s1"));
    assertThat(sink.commands).hasSize(1);
  }

  @Test
  void shouldSplitMultiMetricMessageIntoReadings() {
    DecisionCore core = core(List.of(), List.of());
    core.onMessage(
        TOPIC,
        ("{\"deviceId\":\"d1\",\"ts\":" + T0 + ",\"seq\":1,\"metrics\":{\"a\":1,\"b\":2,\"c\":3}}")
            .getBytes(StandardCharsets.UTF_8),
        System.nanoTime(),
        T0);

    assertThat(sink.accepted).extracting(AcceptedReading::metric).containsExactly("a", "b", "c");
    assertThat(sink.accepted).extracting(AcceptedReading::deviceType).containsOnly("generic");
    assertThat(counters.received.sum()).isEqualTo(3);
  }

  private static FeatureUpdate feature(long version, double mean, double stddev, long count) {
    return FeatureUpdate.newBuilder()
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setVersion(version)
        .setComputedAt(Instant.ofEpochMilli(T0))
        .setHorizonStart(Instant.ofEpochMilli(T0 - 600_000))
        .setHorizonEnd(Instant.ofEpochMilli(T0))
        .setCount(count)
        .setMean(mean)
        .setStddev(stddev)
        .setLowerThreshold(mean - 3 * stddev)
        .setUpperThreshold(mean + 3 * stddev)
        .build();
  }
}
