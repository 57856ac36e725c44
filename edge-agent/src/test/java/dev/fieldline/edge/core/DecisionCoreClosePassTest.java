package dev.fieldline.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.v1.EdgeSummary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A close pass hands the decision loop its turn between devices and between summaries. */
class DecisionCoreClosePassTest {
  private static final long T0 = 1_767_607_200_000L; // a 10-second boundary
  private static final int DEVICES = 40;

  private final RecordingSink sink = new RecordingSink();
  private final DecisionCore core =
      new DecisionCore(
          CoreSettings.defaults(
              List.of(), List.of(DecisionCoreTest.threshold(80, Double.NaN, 1, 1))),
          (type, metric) -> null,
          sink,
          new CoreCounters());

  @Test
  void shouldDecideOnAReadingThatArrivesDuringAClosePassBeforeThePassEnds() {
    for (int d = 0; d < DEVICES; d++) {
      send(d, 1, T0 + 5_000, 20);
    }
    List<Integer> summariesWhenDecided = new ArrayList<>();
    int[] pauses = {0};
    core.duringClose(
        () -> {
          if (pauses[0]++ == 0) {
            // The first device is closed; a hot reading of the last one arrives meanwhile.
            send(DEVICES - 1, 2, T0 + 10_500, 95);
            summariesWhenDecided.add(sink.summaries.size());
          }
        });

    // The last device was heard from during the pass, as if before it: not silent, its window
    // stays open with the new one.
    assertThat(core.closeWindows(T0 + 11_000)).isEqualTo(DEVICES - 1);

    assertThat(sink.commands).extracting(c -> c.getAction()).containsExactly("throttle");
    assertThat(summariesWhenDecided)
        .as("a live pass sends each device's summaries as it closes it")
        .containsExactly(1);
    assertThat(pauses[0]).as("a turn per device closed").isEqualTo(DEVICES - 1);
    assertThat(sink.summaries).hasSize(DEVICES - 1);
    assertThat(sink.summaries)
        .extracting(EdgeSummary::getWindowStart)
        .allMatch(start -> start.toEpochMilli() == T0);
    assertThat(core.openWindows()).isEqualTo(2);
  }

  @Test
  void shouldNotPauseAPassThatClosesNothing() {
    for (int d = 0; d < DEVICES; d++) {
      send(d, 1, T0 + 5_000, 20);
    }
    int[] pauses = {0};
    core.duringClose(() -> pauses[0]++);

    assertThat(core.closeWindows(T0 + 10_100)).isZero();

    assertThat(pauses[0]).isZero();
  }

  @Test
  void shouldStopALivePassWhileAskedToAndCloseTheRestInTheNextPass() {
    for (int d = 0; d < DEVICES; d++) {
      send(d, 1, T0 + 5_000, 20);
    }
    core.pauseClosingWhile(() -> sink.summaries.size() >= 10);

    assertThat(core.closeWindows(T0 + 11_000)).isEqualTo(10);
    assertThat(core.closePending()).isTrue();
    assertThat(core.openWindows()).isEqualTo(DEVICES - 10);

    core.pauseClosingWhile(() -> false);
    assertThat(core.closeWindows(T0 + 11_100)).isEqualTo(DEVICES - 10);
    assertThat(core.closePending()).isFalse();
    assertThat(core.openWindows()).isZero();
    assertThat(sink.summaries)
        .extracting(EdgeSummary::getDeviceId)
        .as("every device's window once, in device order")
        .containsExactlyElementsOf(
            java.util.stream.IntStream.range(0, DEVICES)
                .mapToObj(d -> String.format("d%02d", d))
                .toList());
  }

  @Test
  void shouldStopABacklogPassTooAndStillSendItsWindowsInWindowOrder() {
    // Two window starts are final at once: upstream, one device's later window sent before another
    // device's earlier one could make the earlier one late. The pass closes one start at a time.
    for (int d = 0; d < DEVICES; d++) {
      send(d, 1, T0 + 5_000, 20);
      send(d, 2, T0 + 15_000, 20);
    }
    int[] stopAt = {10};
    core.pauseClosingWhile(() -> sink.summaries.size() >= stopAt[0]);

    assertThat(core.closeWindows(T0 + 60_000)).isEqualTo(10);
    assertThat(core.closePending()).isTrue();
    stopAt[0] = DEVICES + 10; // stops again 10 devices into the second start
    assertThat(core.closeWindows(T0 + 60_100)).isEqualTo(DEVICES);
    assertThat(core.closePending()).isTrue();
    stopAt[0] = Integer.MAX_VALUE;
    assertThat(core.closeWindows(T0 + 60_200)).isEqualTo(DEVICES - 10);
    assertThat(core.closePending()).isFalse();

    List<String> expected = new ArrayList<>();
    for (long start : new long[] {T0, T0 + 10_000}) {
      for (int d = 0; d < DEVICES; d++) {
        expected.add(String.format("d%02d@%d", d, start));
      }
    }
    assertThat(sink.summaries)
        .extracting(s -> s.getDeviceId() + "@" + s.getWindowStart().toEpochMilli())
        .as("every window once: the earlier start for every device first, devices in order")
        .containsExactlyElementsOf(expected);
  }

  private void send(int device, long seq, long ts, double value) {
    String id = String.format("d%02d", device);
    core.onMessage(
        "sites/s1/devices/" + id + "/telemetry",
        DecisionCoreTest.json(id, seq, ts, value),
        System.nanoTime(),
        ts);
  }
}
