package dev.fieldline.demo;

import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Cross-region replication lag: from a regional aggregate becoming visible in its own region's
 * {@code regional.export} to its copy becoming visible in another region's {@code
 * global.aggregates}, both read_committed by the demo's watchers.
 */
final class ReplicationLag {
  private final Map<String, PipelineWatch> watches;
  private final Histogram millis = new ConcurrentHistogram(3);

  ReplicationLag(Map<String, PipelineWatch> watches) {
    this.watches = watches;
  }

  void copied(String origin, String identity) {
    PipelineWatch source = watches.get(origin);
    Long exportedAt = source == null ? null : source.exportSeenAt.get(identity);
    if (exportedAt != null) {
      millis.recordValue(Math.max(0, (System.nanoTime() - exportedAt) / 1_000_000));
    }
  }

  Histogram histogram() {
    return millis;
  }
}
