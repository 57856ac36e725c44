package dev.fieldline.global.job;

import dev.fieldline.global.model.GlobalRollup;
import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.codec.SchemaCatalog;
import dev.fieldline.schema.features.FleetFeatures;
import dev.fieldline.schema.features.HourlyProfile;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the global roll-ups of one (device type, metric) into versioned {@link FeatureUpdate}s for
 * the edges' z-score and anomaly rules ({@link FleetFeatures}).
 *
 * <p>It keeps the latest {@code horizonWindows} roll-ups, merges their statistics and quantile
 * sketches, learns the hour-of-day profile from every roll-up it sees (also across a silence that
 * forgets the horizon), and sends an update when there are enough readings and either nothing was
 * sent yet, the mean moved by more than {@code tolerance} previous standard deviations, the
 * deviation changed by more than that fraction, or {@code maxInterval} of event time passed since
 * the last one. Versions count up per key and survive everything, also the expiry of a silent key's
 * horizon, because the edges keep the highest version they have seen.
 */
public final class FeatureComputer extends KeyedProcessFunction<String, GlobalRollup, Outbound> {
  private static final long serialVersionUID = 1L;
  private static final AvroCodec<FeatureUpdate> CODEC = AvroCodec.of(FeatureUpdate.class);
  // Loaded once: the catalog reads it from the class path.
  private static final org.apache.avro.Schema FIRST_VERSION =
      SchemaCatalog.releasedVersion("FeatureUpdate-v1.avsc");

  private final FeatureSettings settings;
  private transient MapState<Long, GlobalRollup> horizon;
  private transient ValueState<SentFeature> lastSent;
  private transient ValueState<Long> version;
  private transient ValueState<Long> expiryTimer;
  private transient ValueState<HourlyProfile> hourly;
  private transient Counter updatesSent;

  public FeatureComputer(FeatureSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    var state = getRuntimeContext();
    horizon =
        state.getMapState(
            new MapStateDescriptor<>(
                "horizon", Types.LONG, TypeInformation.of(GlobalRollup.class)));
    lastSent =
        state.getState(
            new ValueStateDescriptor<>("last-sent", TypeInformation.of(SentFeature.class)));
    version = state.getState(new ValueStateDescriptor<>("version", Types.LONG));
    expiryTimer = state.getState(new ValueStateDescriptor<>("expiry-timer", Types.LONG));
    hourly =
        state.getState(
            new ValueStateDescriptor<>("hourly", TypeInformation.of(HourlyProfile.class)));
    updatesSent = getRuntimeContext().getMetricGroup().counter("featureUpdatesSent");
  }

  @Override
  public void processElement(GlobalRollup rollup, Context context, Collector<Outbound> out)
      throws Exception {
    GlobalRollup existing = horizon.get(rollup.windowStart);
    horizon.put(rollup.windowStart, existing == null ? rollup : existing.merge(rollup));
    TreeMap<Long, GlobalRollup> windows = new TreeMap<>();
    for (var entry : horizon.entries()) {
      windows.put(entry.getKey(), entry.getValue());
    }
    while (windows.size() > settings.horizonWindows()) {
      horizon.remove(windows.pollFirstEntry().getKey());
    }
    long horizonEnd = windows.lastEntry().getValue().windowEnd;
    renewExpiry(context, horizonEnd);

    HourlyProfile hours = hourly.value() == null ? new HourlyProfile() : hourly.value();
    hours.add(rollup.windowStart, rollup.stats.toRunningStats());
    hourly.update(hours);

    RunningStats merged = new RunningStats();
    ValueSketch sketch = null;
    long devices = 0;
    TreeSet<String> regions = new TreeSet<>();
    for (GlobalRollup window : windows.values()) {
      merged.merge(window.stats.toRunningStats());
      devices = Math.max(devices, window.deviceCount);
      regions.addAll(List.of(window.regions));
      if (window.sketch != null) {
        if (sketch == null) {
          sketch = ValueSketch.fromBytes(window.sketch);
        } else {
          sketch.mergeBytes(window.sketch);
        }
      }
    }
    if (merged.count() < settings.minCount()) {
      return;
    }
    double stddev = FleetFeatures.stddev(merged);
    SentFeature previous = lastSent.value();
    if (previous != null
        && !FleetFeatures.isDue(
            previous.mean,
            previous.stddev,
            previous.horizonEnd,
            merged.mean(),
            stddev,
            horizonEnd,
            settings.tolerance(),
            settings.maxIntervalMs())) {
      return;
    }
    long next = version.value() == null ? 1 : version.value() + 1;
    version.update(next);
    lastSent.update(new SentFeature(merged.mean(), stddev, horizonEnd));
    FeatureUpdate update =
        FleetFeatures.build(
            rollup.deviceType,
            rollup.metric,
            next,
            windows.firstKey(),
            horizonEnd,
            merged,
            devices,
            sketch,
            hours,
            new ArrayList<>(regions),
            settings.thresholdSigmas());
    updatesSent.inc();
    out.collect(
        Outbound.of(
            Topics.GLOBAL_FEATURES.name(),
            Topics.featureKey(rollup.deviceType, rollup.metric),
            settings.schemaVersion() == 1
                ? CODEC.encodeAs(update, FIRST_VERSION)
                : CODEC.encode(update),
            horizonEnd));
  }

  private void renewExpiry(Context context, long horizonEnd) throws Exception {
    Long timer = expiryTimer.value();
    long next = horizonEnd + settings.expireAfterMs();
    if (timer != null && timer == next) {
      return;
    }
    if (timer != null) {
      context.timerService().deleteEventTimeTimer(timer);
    }
    context.timerService().registerEventTimeTimer(next);
    expiryTimer.update(next);
  }

  /** The key fell silent: forget its horizon (the version stays, so updates keep counting up). */
  @Override
  public void onTimer(long timestamp, OnTimerContext context, Collector<Outbound> out) {
    horizon.clear();
    lastSent.clear();
    expiryTimer.clear();
  }
}
