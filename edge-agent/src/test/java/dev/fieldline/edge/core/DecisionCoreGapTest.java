package dev.fieldline.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.v1.EdgeSummary;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readings that never reached the edge, and device restarts, as the decision core counts them. */
class DecisionCoreGapTest {
  private static final long T0 = 1_767_607_200_000L; // a 10-second boundary
  private static final String TOPIC = "sites/s1/devices/pump-1/telemetry";

  private final RecordingSink sink = new RecordingSink();
  private final CoreCounters counters = new CoreCounters();

  private DecisionCore core() {
    return new DecisionCore(
        CoreSettings.defaults(List.of(), List.of()), FeatureLookup.NONE, sink, counters);
  }

  /** A pump's message: two metrics, so two readings. */
  private static void send(DecisionCore core, long seq, long ts) {
    byte[] payload =
        ("{\"deviceId\":\"pump-1\",\"type\":\"pump\",\"ts\":"
                + ts
                + ",\"seq\":"
                + seq
                + ",\"metrics\":{\"vibration\":1.5,\"pressure\":"
                + (3 + seq % 7)
                + "}}")
            .getBytes(StandardCharsets.UTF_8);
    core.onMessage(TOPIC, payload, System.nanoTime(), ts);
  }

  private long summarized(java.util.function.ToLongFunction<EdgeSummary> count) {
    return sink.summaries.stream().mapToLong(count).sum();
  }

  @Test
  void shouldCountEveryReadingOfSkippedMessagesAsMissingInTheSummaries() {
    DecisionCore core = core();
    for (long seq = 1; seq <= 10; seq++) {
      if (seq < 4 || seq > 8) { // 4..8 never arrive
        send(core, seq, T0 + seq * 100);
      }
    }
    core.closeAll();

    long sent = 10 * 2;
    assertThat(counters.missing.sum()).isEqualTo(5 * 2);
    assertThat(counters.received.sum() + counters.missing.sum()).isEqualTo(sent);
    assertThat(sink.summaries)
        .hasSize(2)
        .allSatisfy(s -> assertThat(s.getMissingCount()).isEqualTo(5));
    assertThat(summarized(EdgeSummary::getMissingCount)).isEqualTo(counters.missing.sum());
    assertThat(counters.missing("pump-1")).isEqualTo(10);
    assertThat(counters.lastMissingAt()).isGreaterThanOrEqualTo(T0);
  }

  @Test
  void shouldSettlePendingNumbersWhenTheirWindowCloses() {
    DecisionCore core = core();
    send(core, 1, T0);
    send(core, 3, T0 + 100); // 2 is pending: it may still come
    assertThat(counters.missing.sum()).isZero();

    send(core, 4, T0 + 12_000); // past the first window and its grace: it closes
    core.closeWindows(T0 + 12_000);

    assertThat(counters.missing.sum()).isEqualTo(2);
    assertThat(sink.summaries)
        .hasSize(2)
        .allSatisfy(
            s -> {
              assertThat(s.getWindowStart().toEpochMilli()).isEqualTo(T0);
              assertThat(s.getMissingCount()).isEqualTo(1);
            });
  }

  @Test
  void shouldAcceptALateMessageThatFillsItsGap() {
    DecisionCore core = core();
    send(core, 1, T0);
    send(core, 3, T0 + 200);
    send(core, 2, T0 + 100); // reordered on the way, within the allowance
    core.closeAll();

    assertThat(counters.missing.sum()).isZero();
    assertThat(counters.accepted.sum()).isEqualTo(6);
    assertThat(sink.summaries).allSatisfy(s -> assertThat(s.getStats().getCount()).isEqualTo(3));
  }

  @Test
  void shouldCountDuplicatesAcrossAGapOnceAndTheGapAsMissing() {
    DecisionCore core = core();
    send(core, 1, T0);
    send(core, 2, T0 + 100);
    send(core, 5, T0 + 500);
    send(core, 2, T0 + 100); // a redelivery of a number seen before the gap
    send(core, 5, T0 + 500); // and of the one after it
    core.closeAll();

    assertThat(counters.filtered(FilterReason.DUPLICATE)).isEqualTo(4);
    assertThat(counters.missing.sum()).as("3 and 4, two readings each").isEqualTo(4);
    assertThat(counters.received.sum() + counters.missing.sum()).isEqualTo(5 * 2 + 2 * 2);
  }

  @Test
  void shouldCountADeviceRestartApartFromLoss() {
    DecisionCore core = core();
    for (long seq = 1; seq <= 200; seq++) {
      send(core, seq, T0 + seq * 10);
    }
    for (long seq = 1; seq <= 5; seq++) { // the device rebooted: its counter starts over
      send(core, seq, T0 + 2_000 + seq * 10);
    }
    core.closeAll();

    assertThat(counters.restarts.sum()).isEqualTo(1);
    assertThat(counters.missing.sum()).isZero();
    assertThat(counters.accepted.sum()).isEqualTo(205 * 2);
    assertThat(sink.summaries).allSatisfy(s -> assertThat(s.getRestartCount()).isEqualTo(1));
  }

  @Test
  void shouldReportAGapRevealedByALateReadingInTheNextOpenWindow() {
    DecisionCore core = core();
    send(core, 1, T0 + 11_500);
    core.closeWindows(T0 + 11_500); // nothing closes yet
    send(core, 2, T0 + 22_000);
    core.closeWindows(T0 + 22_000); // the window of T0 + 10 s closes
    send(core, 9, T0 + 12_000); // its window is gone; 3..8 are missing all the same
    core.closeAll();

    assertThat(counters.filtered(FilterReason.LATE)).isEqualTo(2);
    assertThat(counters.missing.sum()).isEqualTo(12);
    assertThat(summarized(EdgeSummary::getMissingCount)).isEqualTo(12);
  }

  @Test
  void shouldKeepGapCountsOfOpenWindowsAcrossAnAgentRestart() {
    DecisionCore core = core();
    send(core, 1, T0);
    send(core, 100, T0 + 100); // 2..35 are missing at once, 36..99 pending
    List<AcceptedReading> journaled = List.copyOf(sink.accepted);
    List<WindowGap> gaps = List.copyOf(sink.gaps);
    assertThat(gaps).extracting(WindowGap::missing).containsExactly(35L, 35L);

    DecisionCore restarted = core();
    restarted.restore(journaled, gaps, T0 + 200);
    send(restarted, 100, T0 + 100); // redelivered
    send(restarted, 101, T0 + 200);
    restarted.closeAll();

    assertThat(sink.summaries)
        .hasSize(2)
        .allSatisfy(
            s -> {
              assertThat(s.getMissingCount()).isEqualTo(35);
              assertThat(s.getStats().getCount()).isEqualTo(3);
            });
    assertThat(counters.filtered(FilterReason.DUPLICATE)).isEqualTo(2);
  }
}
