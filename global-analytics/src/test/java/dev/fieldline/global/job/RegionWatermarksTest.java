package dev.fieldline.global.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.global.model.ExportedAggregate;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class RegionWatermarksTest {
  private static final long OUT_OF_ORDERNESS = 10_000;
  private static final long IDLENESS = 30_000;
  private static final long COUNTED_SILENCE = 15_000;
  private static final long WINDOW = 30_000;

  private long now = 1_000_000;
  private final Output output = new Output();
  private final RegionWatermarks watermarks =
      new RegionWatermarks(OUT_OF_ORDERNESS, IDLENESS, COUNTED_SILENCE, () -> now);

  @Test
  void shouldHoldEverythingForTheIdleTimeAfterTheStart() {
    aggregate(0, 5 * WINDOW);
    now += IDLENESS - 1;
    watermarks.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(Long.MIN_VALUE);

    now += 1;
    watermarks.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(5 * WINDOW - OUT_OF_ORDERNESS - 1);
  }

  @Test
  void shouldMarkARegionThatSentNothingIdleAfterTheIdleTime() {
    now += IDLENESS;
    watermarks.onPeriodicEmit(output);
    assertThat(output.idle).isTrue();
    assertThat(output.watermark).isEqualTo(Long.MIN_VALUE);

    aggregate(0, WINDOW);
    assertThat(output.idle).as("its first aggregate makes it active").isFalse();
  }

  @Test
  void shouldFollowTheSlowestPartitionUntilItIsIdleWhileOthersSend() {
    for (int w = 1; w <= 3; w++) {
      aggregate(0, w * WINDOW);
      aggregate(1, w * WINDOW);
      now += 10_000;
    }
    // Partition 1 falls silent, partition 0 goes on.
    for (int w = 4; w <= 5; w++) {
      aggregate(0, w * WINDOW);
      watermarks.onPeriodicEmit(output);
      assertThat(output.watermark).isEqualTo(3 * WINDOW - OUT_OF_ORDERNESS - 1);
      now += 10_000;
    }
    now -= 1;
    watermarks.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(3 * WINDOW - OUT_OF_ORDERNESS - 1);

    now += 1;
    watermarks.onPeriodicEmit(output);
    assertThat(output.watermark)
        .as("partition 1 idle")
        .isEqualTo(5 * WINDOW - OUT_OF_ORDERNESS - 1);
    assertThat(output.idle).isFalse();
  }

  /**
   * The edges of a region down for two minutes: every partition silent, then one partition's
   * backlog first. Windows its backlog covers must stay open for the other partitions' backlogs.
   */
  @Test
  void shouldNotCloseTheOtherPartitionsBacklogWindowsWhenTheRegionComesBack() {
    aggregate(0, WINDOW);
    aggregate(1, WINDOW);
    now += IDLENESS;
    watermarks.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(WINDOW - OUT_OF_ORDERNESS - 1);

    // Silent: after the idle time everything is idle, the watermark at the fastest partition.
    now += 2 * 60_000;
    watermarks.onPeriodicEmit(output);
    assertThat(output.idle).isTrue();

    for (int w = 2; w <= 6; w++) {
      aggregate(0, w * WINDOW);
    }
    assertThat(output.idle).isFalse();
    now += 2_000;
    watermarks.onPeriodicEmit(output);
    assertThat(output.watermark)
        .as("partition 1 holds it")
        .isEqualTo(WINDOW - OUT_OF_ORDERNESS - 1);

    now += 1_000;
    for (int w = 2; w <= 6; w++) {
      aggregate(1, w * WINDOW);
    }
    watermarks.onPeriodicEmit(output);
    assertThat(output.watermark).isEqualTo(6 * WINDOW - OUT_OF_ORDERNESS - 1);
  }

  private void aggregate(int partition, long windowStart) {
    ExportedAggregate aggregate =
        Aggregates.exported("eu-west", "chiller", "temperature", windowStart, 0, 1.0);
    aggregate.sourcePartition = partition;
    watermarks.onEvent(aggregate, windowStart, output);
  }

  /** What Flink's watermark emitter keeps: the highest watermark, and whether it is idle. */
  private static final class Output implements WatermarkOutput {
    long watermark = Long.MIN_VALUE;
    boolean idle;

    @Override
    public void emitWatermark(Watermark next) {
      if (next.getTimestamp() > watermark) {
        watermark = next.getTimestamp();
        idle = false;
      }
    }

    @Override
    public void markIdle() {
      idle = true;
    }

    @Override
    public void markActive() {
      idle = false;
    }
  }
}
