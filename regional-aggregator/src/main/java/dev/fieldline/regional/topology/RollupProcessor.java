package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.support.time.PartitionEventTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Rolls edge summaries up per scope key into tumbling windows and emits each window exactly once,
 * when it is final.
 *
 * <p>Input: summaries keyed by their device-type scope key ({@link ScopeKeys#deviceType}),
 * timestamped with their edge window's end. Each summary updates its device-type window and its
 * site window, which are finer parts of the same key, so one task owns both and decides once
 * whether the summary is on time. A summary belongs to the roll-up window that contains its edge
 * window's start. A window is final once the watermark passes its end, the watermark being the
 * event time of the slowest input partition minus the grace period and, when {@code idleClose} is
 * set, also the wall clock minus grace and idle-close (so that windows close when the input falls
 * silent).
 *
 * <p>Event time is tracked per {@code edge.summaries} partition (the dedup step stamps it on each
 * summary before the repartition), as Flink tracks watermarks per split: the upstream tasks of
 * different partitions run on different instances and can fall behind one another by a whole
 * outage, e.g. when an instance is replaced while the others replay a backlog at full speed. A
 * partition that has sent nothing for {@code sourceIdle} stops holding windows back, so that a
 * partition without devices of this key does not stall it; a silence of the whole input counts
 * toward that only in part ({@link PartitionEventTime}). Summaries for windows that are already
 * final come out as {@link RollupResult#rejected} and never change an emitted aggregate.
 *
 * <p>The watermark, the open windows and their distinct devices are in changelogged stores, so a
 * task that moves to another instance resumes exactly where the last commit left it.
 */
final class RollupProcessor implements Processor<String, ReceivedSummary, String, RollupResult> {
  static final String WINDOWS_STORE = "rollup-windows";
  static final String DEVICES_STORE = "rollup-devices";
  static final String WATERMARK_STORE = "rollup-watermark";
  private static final String WATERMARK_KEY = "watermark";
  private static final String SOURCE_PREFIX = "source-";
  private static final long NONE = Long.MAX_VALUE;

  private final String region;
  private final long size;
  private final long grace;
  private final long idleClose;
  private final long sourceIdle;
  private final Duration punctuateEvery;
  private final RegionalCounters counters;
  private final RegionalTracing tracing;

  private ProcessorContext<String, RollupResult> context;
  private KeyValueStore<String, RollupState> windows;
  private KeyValueStore<String, Long> devices;
  private KeyValueStore<String, Long> watermarkStore;
  private long watermark;
  private long earliestOpen;

  /**
   * Event time per input partition (each one's also in the watermark store, so it moves along). A
   * silence of the whole input counts toward a partition's idle time only up to one roll-up window
   * (the gap between the bursts of a sparse region's summaries), at most half the source-idle time.
   */
  private PartitionEventTime sources;

  // The open device-type roll-ups as objects, written through to the store on every update: every
  // summary of a type and metric updates the same few keys, and reading one back from the store
  // would decode its quantile sketch each time. Rebuilt from the store after init (a task moved or
  // restarted), like the stores' own caches.
  private final Map<String, RollupState> openTypeWindows = new HashMap<>();

  RollupProcessor(RegionalSettings settings, RegionalCounters counters, RegionalTracing tracing) {
    this.tracing = tracing;
    this.region = settings.region();
    this.size = settings.windowSize().toMillis();
    this.grace = settings.grace().toMillis();
    this.idleClose = settings.idleClose().toMillis();
    this.sourceIdle = settings.sourceIdle().toMillis();
    this.punctuateEvery = settings.punctuateEvery();
    this.counters = counters;
  }

  @Override
  public void init(ProcessorContext<String, RollupResult> context) {
    this.context = context;
    this.windows = context.getStateStore(WINDOWS_STORE);
    this.openTypeWindows.clear();
    this.devices = context.getStateStore(DEVICES_STORE);
    this.watermarkStore = context.getStateStore(WATERMARK_STORE);
    Long stored = watermarkStore.get(WATERMARK_KEY);
    this.watermark = stored == null ? Long.MIN_VALUE : stored;
    this.earliestOpen = findEarliestOpen();
    long now = context.currentSystemTimeMs();
    this.sources = new PartitionEventTime(sourceIdle, Math.min(size, sourceIdle / 2), now);
    try (KeyValueIterator<String, Long> it =
        watermarkStore.range(SOURCE_PREFIX, SOURCE_PREFIX + "\uffff")) {
      it.forEachRemaining(
          kv -> {
            int partition = Integer.parseInt(kv.key.substring(SOURCE_PREFIX.length()));
            sources.restore(partition, kv.value, now);
          });
    }
    context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
  }

  @Override
  public void close() {
    openTypeWindows.clear();
  }

  /** A lagging partition may have gone idle; with idle-close, silence also closes windows. */
  private void onWallClock(long now) {
    if (!sources.isEmpty()) {
      advance(sources.slowest(now) - grace);
    }
    if (idleClose > 0) {
      advance(now - grace - idleClose);
    }
  }

  @Override
  public void process(Record<String, ReceivedSummary> record) {
    if (record.value() == null) {
      return;
    }
    EdgeSummary summary = record.value().summary();
    int partition = SourceHeaders.partition(record.headers());
    long now = context.currentSystemTimeMs();
    if (sources.record(partition, record.timestamp(), now)) {
      watermarkStore.put(SOURCE_PREFIX + partition, record.timestamp());
    }
    advance(sources.slowest(now) - grace);

    long windowStart = Math.floorDiv(summary.getWindowStart().toEpochMilli(), size) * size;
    if (windowStart + size <= watermark) {
      counters.lateSummaries.increment();
      String reason =
          "roll-up window ["
              + Instant.ofEpochMilli(windowStart)
              + ", "
              + Instant.ofEpochMilli(windowStart + size)
              + ") closed; watermark "
              + Instant.ofEpochMilli(watermark)
              + " (grace "
              + Duration.ofMillis(grace)
              + ")";
      context.forward(
          record.withValue(
              RollupResult.rejected(
                  new RejectedSummary(record.value(), DeadLetters.LATE, reason))));
      return;
    }

    // Both scopes of a summary are updated together, so they always agree on what was counted.
    String typeWindow = windowKey(windowStart, record.key());
    String siteWindow =
        windowKey(
            windowStart,
            ScopeKeys.site(summary.getSiteId(), summary.getDeviceType(), summary.getMetric()));
    merge(typeWindow, summary, false);
    merge(siteWindow, summary, true);
    tracing.joined(typeWindow, record.headers());
    tracing.joined(siteWindow, record.headers());
    earliestOpen = Math.min(earliestOpen, windowStart);
  }

  private void merge(String windowKey, EdgeSummary summary, boolean siteScope) {
    RollupState state = siteScope ? null : openTypeWindows.get(windowKey);
    if (state == null) {
      state = windows.get(windowKey);
    }
    if (state == null) {
      state = RollupState.empty(summary, siteScope);
    }
    String deviceKey = windowKey + "|" + summary.getDeviceId();
    boolean newDevice = devices.get(deviceKey) == null;
    if (newDevice) {
      devices.put(deviceKey, 1L);
    }
    if (!state.add(summary, newDevice)) {
      counters.unreadableSketches.increment();
    }
    windows.put(windowKey, state);
    if (!siteScope) {
      openTypeWindows.put(windowKey, state);
    }
  }

  /** Moves the watermark forward (never back) and emits the windows it closes. */
  private void advance(long candidate) {
    if (candidate <= watermark) {
      return;
    }
    watermark = candidate;
    watermarkStore.put(WATERMARK_KEY, watermark);
    if (earliestOpen == NONE || earliestOpen + size > watermark) {
      return;
    }
    List<KeyValue<String, RollupState>> closed = new ArrayList<>();
    String upTo = pad(watermark - size) + "|\uffff";
    try (KeyValueIterator<String, RollupState> it = windows.range(pad(0), upTo)) {
      it.forEachRemaining(closed::add);
    }
    for (KeyValue<String, RollupState> window : closed) {
      long windowStart = Long.parseLong(window.key.substring(0, window.key.indexOf('|')));
      String scopeKey = window.key.substring(window.key.indexOf('|') + 1);
      emit(window.key, scopeKey, windowStart, window.value);
      windows.delete(window.key);
      openTypeWindows.remove(window.key);
      deleteDevices(window.key);
    }
    earliestOpen = findEarliestOpen();
  }

  private void emit(String windowKey, String scopeKey, long windowStart, RollupState state) {
    RegionalAggregate aggregate =
        RegionalAggregate.newBuilder()
            .setRegion(region)
            .setScope(ScopeKeys.scopeOf(scopeKey))
            .setKey(scopeKey)
            .setSiteId(state.siteId)
            .setDeviceType(state.deviceType)
            .setMetric(state.metric)
            .setWindowStart(Instant.ofEpochMilli(windowStart))
            .setWindowEnd(Instant.ofEpochMilli(windowStart + size))
            .setStats(state.stats.toAvro())
            .setDeviceCount(state.deviceCount)
            .setAnomalyCount(state.anomalyCount)
            .setDecisionCount(state.decisionCount)
            .setRejectedCount(state.rejectedCount)
            .setFilteredCount(state.filteredCount)
            .setMissingCount(state.missingCount)
            .setRestartCount(state.restartCount)
            .setSummaryCount(state.summaryCount)
            .setOriginRegion(region)
            .setSketch(
                state.sketch == null ? null : java.nio.ByteBuffer.wrap(state.sketch.toBytes()))
            .build();
    counters.aggregatesOut.increment();
    Record<String, RollupResult> out =
        new Record<>(scopeKey, RollupResult.of(aggregate), windowStart);
    tracing.emitted(windowKey, scopeKey, windowStart, state.summaryCount, out.headers());
    context.forward(out);
  }

  private void deleteDevices(String windowKey) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, Long> it =
        devices.range(windowKey + "|", windowKey + "|\uffff")) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(devices::delete);
  }

  private long findEarliestOpen() {
    try (KeyValueIterator<String, RollupState> it = windows.all()) {
      if (!it.hasNext()) {
        return NONE;
      }
      String first = it.next().key;
      return Long.parseLong(first.substring(0, first.indexOf('|')));
    }
  }

  /** Window start first and zero-padded, so that the store's byte order is time order. */
  static String windowKey(long windowStart, String scopeKey) {
    return pad(windowStart) + "|" + scopeKey;
  }

  private static String pad(long millis) {
    String digits = Long.toString(Math.max(0, millis));
    return "0".repeat(19 - digits.length()) + digits;
  }
}
