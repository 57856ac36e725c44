package dev.fieldline.global.job;

import dev.fieldline.global.model.GlobalRollup;
import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.time.Instant;
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
 * the edges' z-score rules.
 *
 * <p>It keeps the latest {@code horizonWindows} roll-ups, merges their statistics, and sends an
 * update when there are enough readings and either nothing was sent yet, the mean moved by more
 * than {@code tolerance} previous standard deviations, the deviation changed by more than that
 * fraction, or {@code maxInterval} of event time passed since the last one. Versions count up per
 * key and survive everything, also the expiry of a silent key's horizon, because the edges keep the
 * highest version they have seen.
 */
public final class FeatureComputer extends KeyedProcessFunction<String, GlobalRollup, Outbound> {
  private static final long serialVersionUID = 1L;
  private static final AvroCodec<FeatureUpdate> CODEC = AvroCodec.of(FeatureUpdate.class);

  private final FeatureSettings settings;
  private transient MapState<Long, GlobalRollup> horizon;
  private transient ValueState<SentFeature> lastSent;
  private transient ValueState<Long> version;
  private transient ValueState<Long> expiryTimer;
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

    RunningStats merged = new RunningStats();
    TreeSet<String> regions = new TreeSet<>();
    for (GlobalRollup window : windows.values()) {
      merged.merge(window.stats.toRunningStats());
      regions.addAll(List.of(window.regions));
    }
    if (merged.count() < settings.minCount()) {
      return;
    }
    double stddev = merged.sampleVariance() > 0 ? Math.sqrt(merged.sampleVariance()) : 0.0;
    SentFeature previous = lastSent.value();
    if (previous != null && !isDue(previous, merged.mean(), stddev, horizonEnd)) {
      return;
    }
    long next = version.value() == null ? 1 : version.value() + 1;
    version.update(next);
    lastSent.update(new SentFeature(merged.mean(), stddev, horizonEnd));
    FeatureUpdate update =
        FeatureUpdate.newBuilder()
            .setDeviceType(rollup.deviceType)
            .setMetric(rollup.metric)
            .setVersion(next)
            .setComputedAt(Instant.ofEpochMilli(horizonEnd))
            .setHorizonStart(Instant.ofEpochMilli(windows.firstKey()))
            .setHorizonEnd(Instant.ofEpochMilli(horizonEnd))
            .setCount(merged.count())
            .setMean(merged.mean())
            .setStddev(stddev)
            .setP50(null)
            .setP99(null)
            .setLowerThreshold(merged.mean() - settings.thresholdSigmas() * stddev)
            .setUpperThreshold(merged.mean() + settings.thresholdSigmas() * stddev)
            .setRegions(new ArrayList<>(regions))
            .build();
    updatesSent.inc();
    out.collect(
        Outbound.of(
            Topics.GLOBAL_FEATURES.name(),
            Topics.featureKey(rollup.deviceType, rollup.metric),
            CODEC.encode(update),
            horizonEnd));
  }

  private boolean isDue(SentFeature previous, double mean, double stddev, long horizonEnd) {
    double tolerance = settings.tolerance();
    boolean meanMoved = Math.abs(mean - previous.mean) > tolerance * previous.stddev;
    boolean spreadMoved = Math.abs(stddev - previous.stddev) > tolerance * previous.stddev;
    boolean intervalPassed = horizonEnd - previous.horizonEnd >= settings.maxIntervalMs();
    return meanMoved || spreadMoved || intervalPassed;
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
