package dev.fieldline.regional.topology;

import dev.fieldline.schema.stats.RunningStats;
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
  // Format 2 added missing readings and restarts; format 1 (a changelog written before) reads them
  // as zero.
  private static final byte FORMAT = 2;
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

  private RollupState(RunningStats stats) {
    this.stats = stats;
  }

  static RollupState empty(EdgeSummary first, boolean siteScope) {
    RollupState state = new RollupState(new RunningStats());
    state.siteId = siteScope ? first.getSiteId() : null;
    state.deviceType = first.getDeviceType();
    state.metric = first.getMetric();
    return state;
  }

  void add(EdgeSummary summary, boolean newDevice) {
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
        .toBytes();
  }

  private static RollupState fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes);
    byte format = in.getByte();
    if (format != FORMAT && format != FORMAT_WITHOUT_GAPS) {
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
    if (format == FORMAT) {
      state.missingCount = in.getLong();
      state.restartCount = in.getLong();
    }
    return state;
  }
}
