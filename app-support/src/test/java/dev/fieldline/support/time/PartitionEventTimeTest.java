package dev.fieldline.support.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartitionEventTimeTest {
  private static final long IDLE = 30_000;
  private static final long COUNTED = 10_000;

  @Test
  void shouldFollowTheSlowestPartitionThatStillSends() {
    PartitionEventTime time = new PartitionEventTime(IDLE, COUNTED, 0);
    assertThat(time.isEmpty()).isTrue();
    assertThat(time.slowest(0)).isEqualTo(Long.MIN_VALUE);

    assertThat(time.record(0, 5_000, 100)).isTrue();
    assertThat(time.record(1, 3_000, 200)).isTrue();
    assertThat(time.record(1, 2_000, 300)).as("an older record does not move it back").isFalse();

    assertThat(time.slowest(300)).isEqualTo(3_000);
    assertThat(time.isEmpty()).isFalse();
  }

  @Test
  void shouldStopWaitingForAPartitionSilentForTheIdleTimeWhileOthersSend() {
    PartitionEventTime time = new PartitionEventTime(IDLE, COUNTED, 0);
    time.record(0, 1_000, 0);
    time.record(1, 1_000, 0);
    for (long now = 1_000; now <= 31_000; now += 1_000) {
      time.record(0, now + 1_000, now);
    }

    assertThat(time.slowest(29_999)).as("partition 1 still holds it").isEqualTo(1_000);
    assertThat(time.slowest(30_000)).as("partition 1 idle").isEqualTo(32_000);
    assertThat(time.allIdle(31_000)).isFalse();
  }

  @Test
  void shouldCountOnlyPartOfASilenceOfTheWholeInputOnceItResumes() {
    PartitionEventTime time = new PartitionEventTime(IDLE, COUNTED, 0);
    time.record(0, 1_000, 0);
    time.record(1, 1_000, 0);

    // While everything is silent the clock runs: after the idle time nothing holds back any more.
    assertThat(time.allIdle(29_999)).isFalse();
    assertThat(time.allIdle(30_000)).isTrue();
    assertThat(time.slowest(90_000)).isEqualTo(1_000);

    // After 90 s of silence partition 0 replays its backlog first: only 10 s of the silence count,
    // so partition 1 holds event time back until it has been silent 20 s more of sending time.
    time.record(0, 91_000, 90_000);
    assertThat(time.allIdle(90_000)).isFalse();
    assertThat(time.slowest(90_000)).isEqualTo(1_000);
    assertThat(time.slowest(109_999)).isEqualTo(1_000);
    time.record(1, 61_000, 105_000);
    assertThat(time.slowest(105_000)).isEqualTo(61_000);
  }

  @Test
  void shouldGiveARestoredPartitionItsWholeIdleTimeAgain() {
    PartitionEventTime time = new PartitionEventTime(IDLE, COUNTED, 50_000);
    time.restore(0, 7_000, 50_000);
    time.restore(1, 4_000, 50_000);
    time.record(0, 9_000, 60_000);

    assertThat(time.slowest(79_999)).isEqualTo(4_000);
    assertThat(time.slowest(80_000)).isEqualTo(9_000);
  }

  @Test
  void shouldRefuseACountedSilenceLongerThanTheIdleTime() {
    assertThatThrownBy(() -> new PartitionEventTime(IDLE, IDLE + 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("countedSilence");
    assertThatThrownBy(() -> new PartitionEventTime(0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
