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
    assertThat(summariesWhenDecided).containsExactly(0);
    assertThat(pauses[0])
        .as("a turn per device closed, and per 8 summaries sent")
        .isGreaterThan(DEVICES);
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

  private void send(int device, long seq, long ts, double value) {
    String id = String.format("d%02d", device);
    core.onMessage(
        "sites/s1/devices/" + id + "/telemetry",
        DecisionCoreTest.json(id, seq, ts, value),
        System.nanoTime(),
        ts);
  }
}
