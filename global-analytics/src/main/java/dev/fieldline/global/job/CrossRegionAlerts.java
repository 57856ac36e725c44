package dev.fieldline.global.job;

import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.GlobalAlert;
import dev.fieldline.schema.v1.RegionAnomalyRate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Raises a {@link GlobalAlert} when one device type's anomaly rate (anomalies per accepted reading)
 * is above the threshold in at least {@code minRegions} regions in the same global window.
 *
 * <p>Keyed by device type. Counts are kept per (window, region) until the watermark passes the
 * window's end, then judged once and cleared together with the window's timer. Aggregates that
 * arrive after that are late: counted, and left out of the judgement.
 */
public final class CrossRegionAlerts
    extends KeyedProcessFunction<String, ExportedAggregate, Outbound> {
  private static final long serialVersionUID = 1L;
  private static final AvroCodec<GlobalAlert> CODEC = AvroCodec.of(GlobalAlert.class);

  private final double threshold;
  private final int minRegions;
  private final long windowSizeMs;
  private transient MapState<String, RegionCounts> counts;
  private transient Counter alertsRaised;
  private transient Counter lateAggregates;

  public CrossRegionAlerts(double threshold, int minRegions, long windowSizeMs) {
    this.threshold = threshold;
    this.minRegions = minRegions;
    this.windowSizeMs = windowSizeMs;
  }

  @Override
  public void open(OpenContext context) {
    counts =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "counts", Types.STRING, TypeInformation.of(RegionCounts.class)));
    alertsRaised = getRuntimeContext().getMetricGroup().counter("alertsRaised");
    lateAggregates = getRuntimeContext().getMetricGroup().counter("alertLateAggregates");
  }

  @Override
  public void processElement(ExportedAggregate aggregate, Context context, Collector<Outbound> out)
      throws Exception {
    long windowStart = aggregate.windowStart - Math.floorMod(aggregate.windowStart, windowSizeMs);
    long lastMoment = windowStart + windowSizeMs - 1;
    if (lastMoment <= context.timerService().currentWatermark()) {
      lateAggregates.inc();
      return;
    }
    String stateKey = windowStart + "|" + aggregate.originRegion;
    RegionCounts regionCounts = counts.get(stateKey);
    if (regionCounts == null) {
      regionCounts = new RegionCounts(windowStart, aggregate.originRegion);
    }
    regionCounts.readings += aggregate.stats.count;
    regionCounts.anomalies += aggregate.anomalyCount;
    counts.put(stateKey, regionCounts);
    context.timerService().registerEventTimeTimer(lastMoment);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<Outbound> out)
      throws Exception {
    long windowStart = timestamp + 1 - windowSizeMs;
    List<RegionCounts> window = new ArrayList<>();
    List<String> done = new ArrayList<>();
    for (var entry : counts.entries()) {
      if (entry.getValue().windowStart == windowStart) {
        window.add(entry.getValue());
        done.add(entry.getKey());
      }
    }
    for (String key : done) {
      counts.remove(key);
    }
    window.sort(Comparator.comparing(c -> c.region));
    List<RegionAnomalyRate> rates = new ArrayList<>();
    int above = 0;
    for (RegionCounts c : window) {
      boolean isAbove = c.rate() > threshold;
      above += isAbove ? 1 : 0;
      rates.add(new RegionAnomalyRate(c.region, c.readings, c.anomalies, c.rate(), isAbove));
    }
    if (above < minRegions) {
      return;
    }
    String deviceType = context.getCurrentKey();
    GlobalAlert alert =
        GlobalAlert.newBuilder()
            .setAlertId(deviceType + "@" + windowStart)
            .setDeviceType(deviceType)
            .setWindowStart(Instant.ofEpochMilli(windowStart))
            .setWindowEnd(Instant.ofEpochMilli(windowStart + windowSizeMs))
            .setThreshold(threshold)
            .setRegions(rates)
            .setRegionsAbove(above)
            .setRaisedAt(Instant.ofEpochMilli(windowStart + windowSizeMs))
            .build();
    alertsRaised.inc();
    out.collect(
        Outbound.of(
            Topics.GLOBAL_ALERTS.name(),
            deviceType,
            CODEC.encode(alert),
            windowStart + windowSizeMs));
  }
}
