package dev.fieldline.regional.topology;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.EdgeSummary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private static final byte FORMAT = 1;

  String siteId;
  String deviceType;
  String metric;
  final RunningStats stats;
  long deviceCount;
  long anomalyCount;
  long decisionCount;
  long rejectedCount;
  long filteredCount;
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
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeByte(FORMAT);
      out.writeBoolean(siteId != null);
      if (siteId != null) {
        out.writeUTF(siteId);
      }
      out.writeUTF(deviceType);
      out.writeUTF(metric);
      out.writeLong(stats.count());
      out.writeDouble(stats.sum());
      out.writeDouble(stats.min());
      out.writeDouble(stats.max());
      out.writeDouble(stats.mean());
      out.writeDouble(stats.m2());
      out.writeLong(deviceCount);
      out.writeLong(anomalyCount);
      out.writeLong(decisionCount);
      out.writeLong(rejectedCount);
      out.writeLong(filteredCount);
      out.writeLong(summaryCount);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private static RollupState fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalStateException("unknown roll-up state format " + format);
      }
      String siteId = in.readBoolean() ? in.readUTF() : null;
      String deviceType = in.readUTF();
      String metric = in.readUTF();
      RunningStats stats =
          RunningStats.fromAvro(
              new dev.fieldline.schema.v1.Stats(
                  in.readLong(),
                  in.readDouble(),
                  in.readDouble(),
                  in.readDouble(),
                  in.readDouble(),
                  in.readDouble()));
      RollupState state = new RollupState(stats);
      state.siteId = siteId;
      state.deviceType = deviceType;
      state.metric = metric;
      state.deviceCount = in.readLong();
      state.anomalyCount = in.readLong();
      state.decisionCount = in.readLong();
      state.rejectedCount = in.readLong();
      state.filteredCount = in.readLong();
      state.summaryCount = in.readLong();
      return state;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
