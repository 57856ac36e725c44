package dev.fieldline.global.job;

import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.support.time.PartitionEventTime;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks of one region, from all partitions of its {@code regional.export} at once: it runs
 * with parallelism 1 after the region's sources, so that a silence of the whole region can be told
 * from the silence of one partition, which Flink's per-split idleness cannot.
 *
 * <p>The watermark follows the slowest partition still sending, less the out-of-orderness. A
 * partition silent for the idle time stops holding it back, but a silence of the whole region
 * counts toward that only in part ({@link PartitionEventTime}): after an edge outage longer than
 * the idle time every partition fell silent together, and the first one to bring its backlog back
 * would otherwise find the others idle and close the global windows their backlogs, committed a
 * moment later by other aggregator tasks, still fill. {@code ClusterIT} lost whole windows' worth
 * of aggregates from the global roll-up this way.
 *
 * <p>When every partition is idle the watermark moves up to the fastest one's event time and the
 * region is marked idle, so that it does not hold back the other regions; its next aggregate makes
 * it active again. Nothing is emitted for the idle time after a (re)start: a partition not heard
 * from yet may still replay older aggregates.
 */
final class RegionWatermarks implements WatermarkGenerator<ExportedAggregate> {
  private final long outOfOrderness;
  private final long idleness;
  private final LongSupplier clock;
  private final long started;
  private final PartitionEventTime partitions;

  RegionWatermarks(long outOfOrderness, long idleness, long countedSilence, LongSupplier clock) {
    this.outOfOrderness = outOfOrderness;
    this.idleness = idleness;
    this.clock = clock;
    this.started = clock.getAsLong();
    this.partitions = new PartitionEventTime(idleness, countedSilence, started);
  }

  @Override
  public void onEvent(ExportedAggregate aggregate, long windowStart, WatermarkOutput output) {
    partitions.record(aggregate.sourcePartition, windowStart, clock.getAsLong());
    output.markActive();
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.getAsLong();
    if (now - started < idleness) {
      return;
    }
    if (!partitions.isEmpty()) {
      // As bounded out-of-orderness: an aggregate exactly out-of-orderness behind is on time.
      output.emitWatermark(new Watermark(partitions.slowest(now) - outOfOrderness - 1));
    }
    // A region that has sent nothing since the start is idle too.
    if (partitions.allIdle(now)) {
      output.markIdle();
    }
  }
}
