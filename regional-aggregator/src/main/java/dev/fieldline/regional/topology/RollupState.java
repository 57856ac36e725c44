package dev.fieldline.regional.topology;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.Stats;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The running roll-up of one scope in one window: merged statistics and counts. The distinct
 * devices live in their own store, so that an update costs the same however many devices a window
 * has.
 */
final class RollupState {
  // Format 3 added the quantile sketch, format 2 missing readings and restarts; a changelog written
  // before reads them as none.
  private static final byte FORMAT = 3;
  private static final byte FORMAT_WITHOUT_SKETCH = 2;
  private static final byte FORMAT_WITHOUT_GAPS = 1;

  String siteId;
  String deviceType;
  String metric;
  final RunningStats stats;
  long deviceCount;
  long anomalyCount;
  long decisionCount;
  long rejectedCount;
  long filteredCount;
  long missingCount;
  long restartCount;
  long summaryCount;

  /**
   * The summaries' quantile sketches merged, device-type scope only (what the global job learns
   * from; a site's quantiles would cost as much again and nobody reads them); null before any.
   */
  ValueSketch sketch;

  private boolean sketched;

  private RollupState(RunningStats stats) {
    this.stats = stats;
  }

  static RollupState empty(EdgeSummary first, boolean siteScope) {
    RollupState state = new RollupState(new RunningStats());
    state.siteId = siteScope ? first.getSiteId() : null;
    state.deviceType = first.getDeviceType();
    state.metric = first.getMetric();
    state.sketched = !siteScope;
    return state;
  }

  /**
   * Adds one summary.
   *
   * @return false when its sketch could not be read (the rest of it was added)
   */
  boolean add(EdgeSummary summary, boolean newDevice) {
    stats.merge(RunningStats.fromAvro(summary.getStats()));
    anomalyCount += summary.getAnomalyCount();
    decisionCount += summary.getDecisionCount();
    rejectedCount += summary.getRejectedCount();
    filteredCount += summary.getFilteredCount();
    missingCount += summary.getMissingCount();
    restartCount += summary.getRestartCount();
    summaryCount++;
    if (newDevice) {
      deviceCount++;
    }
    if (!sketched || summary.getSketch() == null) {
      return true;
    }
    try {
      ValueSketch window = ValueSketch.fromBytes(ValueSketch.bytes(summary.getSketch()));
      if (sketch == null) {
        sketch = window;
      } else {
        sketch.merge(window);
      }
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static Serde<RollupState> serde() {
    Serializer<RollupState> serializer = (topic, state) -> state == null ? null : state.toBytes();
    Deserializer<RollupState> deserializer =
        (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  private byte[] toBytes() {
    return new StateWriter(128)
        .putByte(FORMAT)
        .putString(siteId)
        .putString(deviceType)
        .putString(metric)
        .putLong(stats.count())
        .putDouble(stats.sum())
        .putDouble(stats.min())
        .putDouble(stats.max())
        .putDouble(stats.mean())
        .putDouble(stats.m2())
        .putLong(deviceCount)
        .putLong(anomalyCount)
        .putLong(decisionCount)
        .putLong(rejectedCount)
        .putLong(filteredCount)
        .putLong(summaryCount)
        .putLong(missingCount)
        .putLong(restartCount)
        .putBoolean(sketched)
        .putBytes(sketch == null ? null : sketch.toBytes())
        .toBytes();
  }

  private static RollupState fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes);
    byte format = in.getByte();
    if (format != FORMAT && format != FORMAT_WITHOUT_SKETCH && format != FORMAT_WITHOUT_GAPS) {
      throw new IllegalStateException("unknown roll-up state format " + format);
    }
    String siteId = in.getString();
    String deviceType = in.getString();
    String metric = in.getString();
    RollupState state =
        new RollupState(
            RunningStats.fromAvro(
                new Stats(
                    in.getLong(),
                    in.getDouble(),
                    in.getDouble(),
                    in.getDouble(),
                    in.getDouble(),
                    in.getDouble())));
    state.siteId = siteId;
    state.deviceType = deviceType;
    state.metric = metric;
    state.deviceCount = in.getLong();
    state.anomalyCount = in.getLong();
    state.decisionCount = in.getLong();
    state.rejectedCount = in.getLong();
    state.filteredCount = in.getLong();
    state.summaryCount = in.getLong();
    if (format >= FORMAT_WITHOUT_SKETCH) {
      state.missingCount = in.getLong();
      state.restartCount = in.getLong();
    }
    if (format == FORMAT) {
      state.sketched = in.getBoolean();
      byte[] sketch = in.getBytes();
      state.sketch = sketch == null ? null : ValueSketch.fromBytes(sketch);
    }
    return state;
  }
}
