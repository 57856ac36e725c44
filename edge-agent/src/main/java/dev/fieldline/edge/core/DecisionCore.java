package dev.fieldline.edge.core;

import dev.fieldline.edge.core.filters.FilterSpec;
import dev.fieldline.edge.core.rules.DecisionListener;
import dev.fieldline.edge.core.rules.MetricRules;
import dev.fieldline.edge.core.rules.RuleSpec;
import dev.fieldline.edge.sparkplug.SparkplugHost;
import dev.fieldline.edge.sparkplug.SparkplugOutcome;
import dev.fieldline.edge.sparkplug.SparkplugReading;
import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The edge's decision path: parse → validate → sequence check → range filter → rules → deadband and
 * rate limit → summary windows, for one message at a time, on one thread, with no I/O (results go
 * to a {@link CoreSink}).
 *
 * <p>Guarantees: every reading is counted exactly once as accepted, rejected or filtered; every
 * accepted reading lands in exactly one summary, emitted when its window closes ({@link
 * #closeWindows}); a rule fires once per activation and clears once. Readings that never arrived
 * are counted as missing from each device's sequence numbers ({@link SequenceTracker}) and carried
 * by the summaries, so that what the devices sent is {@code received + missing}.
 */
public final class DecisionCore implements DecisionListener {
  private final CoreSettings settings;
  private final FeatureLookup features;
  private final CoreSink sink;
  private final CoreCounters counters;
  private final MessageParser parser;
  private final Map<String, DeviceState> devices = new HashMap<>();

  // The same devices in a list: the periodic close walks every device by index, without the
  // iterators a map's values would allocate on each tick (10,000 devices, ten ticks a second).
  private final List<DeviceState> deviceList = new ArrayList<>();
  private int openWindowCount;

  // Asked between the devices of a close pass: true stops it; the final windows it did not reach
  // stay open for the next pass (closePending). See close.
  private BooleanSupplier closeMustPause = () -> false;
  private boolean closePending;
  private final String[] topicParts = new String[2];

  // Run between the devices of a close pass that closed windows. A pass closes a window of
  // every metric of every device at once (hundreds of summaries, each encoded and journaled), which
  // took 2-60 ms in the demo; readings that arrived meanwhile waited for it, and so did their
  // decisions. The decision loop serves them here.
  private Runnable duringClose = () -> {};

  private static final String SPARKPLUG_PREFIX = SparkplugHost.NAMESPACE + "/";
  private final SparkplugHost sparkplug;
  private final ParsedMessage sparkplugMessage = new ParsedMessage();

  // Topic -> its site and device ids. The MQTT client hands every message a new topic string, but
  // hashing and comparing it costs less than matching it against the template and cutting the ids
  // out again. Bounded: topics beyond it are matched every time.
  private static final int TOPIC_CACHE = 20_000;
  private final Map<String, String[]> topicIds = new HashMap<>();
  private final SharedNames names = new SharedNames();
  private final long windowSize;
  private final long grace;
  private final long idle;
  private final long maxFuture;
  private final long maxPast;
  private final int reorderAllowance;

  // The reading being evaluated, for decisions raised by the rules.
  private DeviceState currentDevice;
  private MetricState currentMetric;
  private OpenWindow currentWindow;
  private ParsedMessage currentMessage;
  private long currentReceivedNanos;
  private long currentMissing;
  private long currentRestarts;

  public DecisionCore(
      CoreSettings settings, FeatureLookup features, CoreSink sink, CoreCounters counters) {
    this.settings = settings;
    this.parser = new MessageParser(settings.payloadMapping());
    this.sparkplug = new SparkplugHost(settings.sparkplug());
    this.features = features;
    this.sink = sink;
    this.counters = counters;
    this.windowSize = settings.windowSize().toMillis();
    this.grace = settings.windowGrace().toMillis();
    this.idle = settings.windowIdle().toMillis();
    this.maxFuture = settings.maxFuture().toMillis();
    this.maxPast = settings.maxPast().toMillis();
    this.reorderAllowance = settings.reorderAllowance();
  }

  /**
   * Processes one message. Never throws for bad input: it is rejected and counted.
   *
   * @param topic the MQTT topic it arrived on
   * @param payload its bytes
   * @param receivedNanos {@link System#nanoTime()} at receipt, for decision latency
   * @param now the gateway's wall clock, epoch millis
   */
  public void onMessage(String topic, byte[] payload, long receivedNanos, long now) {
    counters.messages.increment();
    if (topic.startsWith(SPARKPLUG_PREFIX)) {
      onSparkplug(topic, payload, receivedNanos, now);
      return;
    }
    if (payload.length > settings.maxPayloadBytes()) {
      reject(topic, payload, RejectReason.TOO_LARGE, payload.length + " bytes", 1);
      return;
    }
    String[] ids = topicIds.get(topic);
    if (ids == null) {
      if (!settings.telemetryTopic().match(topic, topicParts)) {
        reject(topic, payload, RejectReason.BAD_TOPIC, "expected " + settings.telemetryTopic(), 1);
        return;
      }
      ids = new String[] {names.of(topicParts[0]), topicParts[1]};
      if (topicIds.size() < TOPIC_CACHE) {
        topicIds.put(topic, ids);
      }
    }
    ParsedMessage message;
    try {
      message = parser.parse(payload, "mqtt ", topic, ids[1]);
    } catch (ParseException e) {
      reject(topic, payload, e.reason(), e.getMessage(), 1);
      return;
    }
    String siteId = ids[0];
    String deviceId = ids[1];
    if (!deviceId.equals(message.deviceId)) {
      reject(
          topic,
          payload,
          RejectReason.DEVICE_MISMATCH,
          "topic names " + deviceId + ", payload " + message.deviceId,
          message.metricCount);
      return;
    }
    process(topic, payload, siteId, deviceId, message, receivedNanos, now);
  }

  /** Validates one parsed message of a device and runs each of its readings. */
  private void process(
      String topic,
      byte[] payload,
      String siteId,
      String deviceId,
      ParsedMessage message,
      long receivedNanos,
      long now) {
    int readings = message.metricCount;
    String deviceType =
        message.deviceType == null ? settings.defaultDeviceType() : message.deviceType;
    if (!Identifiers.valid(siteId)
        || !Identifiers.valid(deviceId)
        || !Identifiers.valid(deviceType)) {
      reject(topic, payload, RejectReason.BAD_IDENTIFIER, "site, device or type", readings);
      return;
    }
    for (int i = 0; i < readings; i++) {
      if (!Identifiers.valid(message.metrics[i])) {
        reject(topic, payload, RejectReason.BAD_IDENTIFIER, "metric name", readings);
        return;
      }
      if (!Double.isFinite(message.values[i])) {
        reject(
            topic,
            payload,
            RejectReason.NOT_FINITE,
            "metric " + message.metrics[i] + " is " + message.values[i],
            readings);
        countRejectedInWindows(deviceId, message, now);
        return;
      }
    }
    if (message.timestamp > now + maxFuture) {
      reject(topic, payload, RejectReason.TOO_FAR_FUTURE, "ts " + message.timestamp, readings);
      return;
    }
    if (message.timestamp < now - maxPast) {
      reject(topic, payload, RejectReason.TOO_FAR_PAST, "ts " + message.timestamp, readings);
      return;
    }

    DeviceState device = device(deviceId, siteId, deviceType);
    if (device.siteId != siteId) { // the same copy unless the site changed or was not shared
      device.siteId = names.of(siteId);
    }
    device.lastHeard = now;
    device.offline = false;
    SequenceTracker.Outcome outcome = device.sequence.observe(message.seq, reorderAllowance);
    if (outcome == SequenceTracker.Outcome.DUPLICATE || outcome == SequenceTracker.Outcome.STALE) {
      FilterReason reason =
          outcome == SequenceTracker.Outcome.DUPLICATE
              ? FilterReason.DUPLICATE
              : FilterReason.OUT_OF_ORDER;
      for (int i = 0; i < readings; i++) {
        counters.filter(reason);
      }
      return;
    }
    currentMissing = device.sequence.missing();
    currentRestarts = 0;
    if (outcome == SequenceTracker.Outcome.RESTART) {
      currentRestarts = 1;
      counters.restarts.increment();
    }

    currentDevice = device;
    currentMessage = message;
    currentReceivedNanos = receivedNanos;
    for (int i = 0; i < readings; i++) {
      onReading(device, message.metrics[i], message.values[i], message.timestamp, message.seq, now);
    }
    currentDevice = null;
    currentMetric = null;
    currentWindow = null;
    currentMessage = null;
  }

  /**
   * A message rejected for a value that is not finite still names a device, its metrics and a time
   * that pass every check: its readings count as rejected in those metrics' windows, so that the
   * summaries (and the roll-ups above them) carry them. Only for a device and metrics the agent
   * already keeps, and windows not yet closed: bad input never creates state. Messages that name no
   * trustworthy device, metric or time are counted by reason at the agent only.
   */
  private void countRejectedInWindows(String deviceId, ParsedMessage message, long now) {
    DeviceState device = devices.get(deviceId);
    if (device == null
        || message.timestamp > now + maxFuture
        || message.timestamp < now - maxPast) {
      return;
    }
    long windowStart = windowStart(message.timestamp);
    for (int i = 0; i < message.metricCount; i++) {
      MetricState state = device.metrics.get(message.metrics[i]);
      if (state != null && windowStart >= state.closedBefore) {
        window(state, windowStart).rejected++;
      }
    }
  }

  /** The start of the edge window that holds {@code time}. */
  private long windowStart(long time) {
    return Math.floorDiv(time, windowSize) * windowSize;
  }

  private void onReading(
      DeviceState device, String metric, double value, long time, long seq, long now) {
    MetricState state = metric(device, metric);
    long windowStart = windowStart(time);
    boolean late = windowStart < state.closedBefore;
    if (currentMissing > 0 || currentRestarts > 0) {
      // A gap revealed by a late reading still needs an open window to be reported in.
      OpenWindow target = window(state, late ? state.closedBefore : windowStart);
      countGap(device, state, target, currentMissing, currentRestarts, now);
    }
    if (late) {
      counters.filter(FilterReason.LATE);
      return;
    }
    device.eventWatermark = Math.max(device.eventWatermark, time);
    OpenWindow window = window(state, windowStart);
    FilterSpec filter = state.filter;
    if (value < filter.min() || value > filter.max()) {
      counters.filter(FilterReason.OUT_OF_RANGE);
      window.filtered++;
      return;
    }
    // Rules see every plausible reading; the deadband and the rate limit only thin what is
    // summarized and sent upstream. Thinning first would hide a sustained condition whose readings
    // barely change (within the deadband) or come fast (within the rate limit) from its debounce.
    if (!state.rules.isEmpty()) {
      currentMetric = state;
      currentWindow = window;
      FeatureUpdate feature = features.get(device.deviceType, metric);
      if (state.rules.evaluate(metric, value, time, feature, this)) {
        window.anomalies++;
        counters.anomalies.increment();
      }
    }
    // Distance either way: a late reading that fills a sequence gap is older than the last one.
    if (state.lastAcceptedTime != Long.MIN_VALUE
        && Math.abs(time - state.lastAcceptedTime) < filter.minInterval().toMillis()) {
      counters.filter(FilterReason.RATE_LIMITED);
      window.filtered++;
      return;
    }
    if (filter.deadband() > 0
        && !Double.isNaN(state.lastReported)
        && Math.abs(value - state.lastReported) < filter.deadband()) {
      counters.filter(FilterReason.DEADBAND);
      window.filtered++;
      return;
    }
    state.lastReported = value;
    state.lastAcceptedTime = Math.max(state.lastAcceptedTime, time);
    counters.accepted.increment();
    counters.received.increment();

    window.add(value, seq);
    sink.accepted(
        new AcceptedReading(
            device.siteId,
            device.deviceId,
            device.deviceType,
            metric,
            value,
            time,
            seq,
            windowStart));
  }

  /**
   * One Sparkplug B message: the host session ({@link SparkplugHost}) reads it; its numeric metrics
   * become one message per node or device, with the device's own message count as its sequence
   * number (Sparkplug numbers a node's messages, so gaps are judged there).
   */
  private void onSparkplug(String topic, byte[] payload, long receivedNanos, long now) {
    SparkplugOutcome outcome = sparkplug.handle(topic, payload, now);
    counters.countSparkplug(outcome.kind());
    if (outcome.rebirth() != null) {
      int slash = outcome.rebirth().indexOf('/');
      sink.rebirth(outcome.rebirth().substring(0, slash), outcome.rebirth().substring(slash + 1));
      counters.rebirthsRequested.increment();
    }
    counters.sparkplugMetricsIgnored.add(outcome.ignoredMetrics());
    if (outcome.rejectedMetrics() > 0) {
      reject(topic, payload, RejectReason.MALFORMED, outcome.reason(), outcome.rejectedMetrics());
    }
    switch (outcome.kind()) {
      case MALFORMED -> {
        reject(topic, payload, RejectReason.MALFORMED, outcome.reason(), 1);
        return;
      }
      case OUT_OF_SEQUENCE -> {
        // Unusable until the node is born again (asked above); counted, not guessed at: one
        // reading per metric it carried, as a device counts what it sent.
        counters.filter(FilterReason.OUT_OF_ORDER, Math.max(1, outcome.setAsideMetrics()));
        return;
      }
      default -> {}
    }
    for (String id : outcome.offline()) {
      markOffline(devices.get(id));
    }
    List<SparkplugReading> all = outcome.readings();
    int from = 0;
    while (from < all.size()) {
      SparkplugReading first = all.get(from);
      ParsedMessage message = sparkplugMessage;
      message.reset();
      message.deviceId = first.deviceId();
      message.deviceType = first.deviceType();
      message.seq = first.seq();
      message.timestamp = first.timestamp();
      int to = from;
      while (to < all.size()
          && all.get(to).deviceId().equals(first.deviceId())
          && message.metricCount < ParsedMessage.MAX_METRICS) {
        SparkplugReading reading = all.get(to);
        message.metrics[message.metricCount] = reading.metric();
        message.values[message.metricCount] = reading.value();
        message.metricCount++;
        message.timestamp = Math.max(message.timestamp, reading.timestamp());
        to++;
      }
      process(topic, payload, first.siteId(), first.deviceId(), message, receivedNanos, now);
      DeviceState device = devices.get(first.deviceId());
      if (device != null && device.sparkplugNode == null) {
        device.sparkplugNode = topicNode(topic); // once per device, not per message
      }
      from = to;
    }
  }

  private static void markOffline(DeviceState device) {
    if (device == null) {
      return;
    }
    device.offline = true;
    for (MetricState state : device.metricList) {
      for (OpenWindow window : state.windows) {
        window.offline = true;
      }
    }
  }

  /** A Sparkplug device's own id (after {@code node:}), or null for the edge node itself. */
  private static String sparkplugDevice(DeviceState device) {
    int colon = device.deviceId.indexOf(':');
    return colon < 0 ? null : device.deviceId.substring(colon + 1);
  }

  /** The edge node of a Sparkplug topic ({@code spBv1.0/<group>/<type>/<node>[/<device>]}). */
  private static String topicNode(String topic) {
    String[] parts = topic.split("/", 5);
    return parts.length > 3 ? parts[3] : null;
  }

  @Override
  public void onDecision(
      RuleSpec rule, boolean fired, double value, String reason, Long featureVersion) {
    long decidedAt = System.currentTimeMillis();
    String action = fired ? rule.action() : rule.clearAction();
    Instant readingTime = Instant.ofEpochMilli(currentMessage.timestamp);
    Instant decided = Instant.ofEpochMilli(decidedAt);
    // The records' all-field constructors, not their builders: a decision is on the hot path, and
    // a builder validates and copies every field once more (a new field breaks the compile here).
    if (action != null && !rule.shadow()) {
      Command command =
          new Command(
              currentDevice.deviceId,
              rule.id(),
              action,
              fired ? rule.args() : Map.of(),
              reason,
              readingTime,
              currentMessage.seq,
              decided,
              featureVersion);
      if (currentDevice.sparkplugNode != null) {
        sink.sparkplugCommand(
            currentDevice.siteId,
            currentDevice.sparkplugNode,
            sparkplugDevice(currentDevice),
            command);
      } else {
        sink.command(currentDevice.siteId, currentDevice.deviceId, command);
      }
      counters.commands.increment();
    }
    long latency = System.nanoTime() - currentReceivedNanos;
    currentWindow.decisions++;
    counters.decisions.increment();
    sink.decision(
        new DecisionEvent(
            settings.gatewayId(),
            settings.region(),
            currentDevice.siteId,
            currentDevice.deviceId,
            currentDevice.deviceType,
            currentMetric.metric,
            value,
            rule.id(),
            rule.kind().id(),
            fired ? rule.action() : "clear",
            reason,
            readingTime,
            currentMessage.seq,
            decided,
            latency,
            featureVersion));
  }

  /**
   * Emits and forgets every window that is final: its device has reported an event time past its
   * end plus grace, or the device has been silent for the idle time and the gateway clock is past
   * the window's end plus grace. Closing on each device's own event time means a backlog (after a
   * gateway restart, or a device catching up) is summarized in full rather than dropped as late.
   * Windows go out earliest start first; a pass told to pause ({@link #pauseClosingWhile}) leaves
   * the final windows it did not reach for a later one ({@link #closePending()}).
   *
   * @return how many windows were emitted
   */
  public int closeWindows(long now) {
    return closeWindows(now, Long.MIN_VALUE);
  }

  /**
   * As {@link #closeWindows(long)}, but a device counts as silent only after the idle time since
   * {@code listeningSince}, the gateway clock since which the agent could hear its devices: while
   * the link to the broker is down, devices are not silent, the agent is deaf, and their readings
   * wait at the broker for windows that must still be open when they arrive.
   */
  public int closeWindows(long now, long listeningSince) {
    return close(now, listeningSince, false);
  }

  /**
   * Has {@code task} run now and then during each close pass, on the calling thread, so that
   * messages waiting meanwhile are not held up by the pass. The task may hand this core messages;
   * it must not close windows. Messages it hands over are taken as if they had come before the pass
   * (for devices the pass has not reached yet) or after it (for devices it already closed).
   */
  public void duringClose(Runnable task) {
    this.duringClose = task;
  }

  /**
   * Has a close pass stop between devices while {@code mustPause} says so; the final windows it did
   * not reach close in a later pass ({@link #closePending()}), still in window order.
   */
  public void pauseClosingWhile(BooleanSupplier mustPause) {
    this.closeMustPause = mustPause;
  }

  /** True when the last close pass stopped before reaching every final window. */
  public boolean closePending() {
    return closePending;
  }

  /** Emits every open window, closed or not; used when the journal must hold everything. */
  public int closeAll() {
    return close(Long.MAX_VALUE, Long.MIN_VALUE, true);
  }

  /**
   * Closes the final windows (with {@code all}, every window) in rounds, one window start per
   * round, earliest first: every summary goes out at once and in window order, so that the pass may
   * stop between any two devices. Upstream, summaries of many devices share a partition whose event
   * time is the latest window end it carried, and the roll-up holds a summary as late once that
   * time passes its window by the grace: a backlog (several final windows per device, after a
   * gateway restart or a device catching up) must not send one device's latest window before
   * another's first. At a live window end there is one round: a window of every device and metric
   * (30,000 summaries at 10,000 devices with 3 metrics). Collected until the pass ended, as they
   * were, they outlived young collections and the agent ran a full collection at nearly every
   * window end.
   */
  private int close(long now, long listeningSince, boolean all) {
    closePending = false;
    int closed = 0;
    long start = earliestToClose(now, listeningSince, all);
    while (start != NOTHING_TO_CLOSE) {
      closed += closeRound(start, now, listeningSince, all);
      if (closePending) {
        break;
      }
      start = earliestToClose(now, listeningSince, all);
      if (start != NOTHING_TO_CLOSE && !all && closeMustPause.getAsBoolean()) {
        closePending = true;
        break;
      }
    }
    return closed;
  }

  private static final long NOTHING_TO_CLOSE = Long.MAX_VALUE;

  /** The earliest start of a window to close, or {@link #NOTHING_TO_CLOSE}. */
  private long earliestToClose(long now, long listeningSince, boolean all) {
    long earliest = NOTHING_TO_CLOSE;
    for (int d = 0; d < deviceList.size(); d++) {
      DeviceState device = deviceList.get(d);
      boolean silent = silent(device, now, listeningSince);
      for (int m = 0; m < device.metricList.size(); m++) {
        List<OpenWindow> windows = device.metricList.get(m).windows;
        for (int w = 0; w < windows.size(); w++) {
          OpenWindow window = windows.get(w);
          if (window.start < earliest && (all || isFinal(device, window, silent, now))) {
            earliest = window.start;
          }
        }
      }
    }
    return earliest;
  }

  /** Closes the windows starting at {@code start} that are final; sets closePending if it stops. */
  private int closeRound(long start, long now, long listeningSince, boolean all) {
    int closed = 0;
    for (int d = 0; d < deviceList.size(); d++) {
      DeviceState device = deviceList.get(d);
      int closedBefore = closed;
      boolean silent = silent(device, now, listeningSince);
      // Numbers still pending when a window of the device closes are not coming any more: settled
      // into the first closing window of each metric.
      long settled = -1;
      for (int m = 0; m < device.metricList.size(); m++) {
        MetricState state = device.metricList.get(m);
        boolean settledHere = false;
        List<OpenWindow> windows = state.windows;
        for (int w = 0; w < windows.size(); ) {
          OpenWindow window = windows.get(w);
          if (window.start != start || !(all || isFinal(device, window, silent, now))) {
            w++;
            continue;
          }
          if (settled < 0) {
            settled = device.sequence.settle(reorderAllowance);
          }
          if (settled > 0 && !settledHere) {
            countGap(device, state, window, settled, 0, now);
            settledHere = true;
          }
          openWindowCount--;
          state.closedBefore = Math.max(state.closedBefore, window.start + windowSize);
          if (window.hasContent()) {
            sink.summary(summarize(device, state, window));
            closed++;
          }
          state.close(w);
        }
      }
      if (closed > closedBefore) {
        duringClose.run();
        if (!all && d < deviceList.size() - 1 && closeMustPause.getAsBoolean()) {
          closePending = true;
          break;
        }
      }
    }
    return closed;
  }

  private boolean silent(DeviceState device, long now, long listeningSince) {
    return device.offline || now - Math.max(device.lastHeard, listeningSince) >= idle;
  }

  private boolean isFinal(DeviceState device, OpenWindow window, boolean silent, long now) {
    long end = window.start + windowSize;
    return device.eventWatermark >= end + grace || (silent && now >= end + grace);
  }

  private void countGap(
      DeviceState device,
      MetricState state,
      OpenWindow window,
      long missing,
      long restarts,
      long now) {
    window.missing += missing;
    window.restarts += restarts;
    if (missing > 0) {
      counters.missing(device.deviceId, missing, now);
    }
    sink.gap(
        new WindowGap(
            device.siteId,
            device.deviceId,
            device.deviceType,
            state.metric,
            window.start,
            missing,
            restarts));
  }

  private EdgeSummary summarize(DeviceState device, MetricState state, OpenWindow window) {
    boolean empty = window.stats.count() == 0;
    counters.summaries.increment();
    counters.summarizedReadings.add(window.stats.count());
    return EdgeSummary.newBuilder()
        .setGatewayId(settings.gatewayId())
        .setSiteId(device.siteId)
        .setRegion(settings.region())
        .setDeviceId(device.deviceId)
        .setDeviceType(device.deviceType)
        .setMetric(state.metric)
        .setWindowStart(Instant.ofEpochMilli(window.start))
        .setWindowEnd(Instant.ofEpochMilli(window.start + windowSize))
        .setStats(window.stats.toAvro())
        .setFirstSeq(empty ? 0 : window.firstSeq)
        .setLastSeq(empty ? 0 : window.lastSeq)
        .setRejectedCount(window.rejected)
        .setFilteredCount(window.filtered)
        .setAnomalyCount(window.anomalies)
        .setDecisionCount(window.decisions)
        .setMissingCount(window.missing)
        .setRestartCount(window.restarts)
        .setSketch(sketch(window))
        .setDeviceOffline(window.offline)
        .build();
  }

  private static java.nio.ByteBuffer sketch(OpenWindow window) {
    byte[] bytes = window.sketchBytes();
    return bytes == null ? null : java.nio.ByteBuffer.wrap(bytes);
  }

  /** As {@link #restore(List, List, long)} without gap counts. */
  public void restore(List<AcceptedReading> readings, long now) {
    restore(readings, List.of(), now);
  }

  /**
   * Puts back readings accepted before a restart (from the journal) into their windows, and the
   * missing readings and device restarts counted into them, without evaluating rules again or
   * emitting anything; restores each device's sequence position (its latest reading's) and event
   * time.
   */
  public void restore(List<AcceptedReading> readings, List<WindowGap> gaps, long now) {
    Map<DeviceState, AcceptedReading> latest = new HashMap<>();
    for (AcceptedReading r : readings) {
      DeviceState device = device(r.deviceId(), r.siteId(), r.deviceType());
      MetricState state = metric(device, r.metric());
      window(state, r.windowStart()).add(r.value(), r.seq());
      state.lastReported = r.value();
      state.lastAcceptedTime = Math.max(state.lastAcceptedTime, r.eventTime());
      latest.merge(device, r, (a, b) -> b.eventTime() >= a.eventTime() ? b : a);
      device.eventWatermark = Math.max(device.eventWatermark, r.eventTime());
      // Give the device the idle time to catch up (the broker re-sends what it queued) before its
      // restored windows may close by wall clock.
      device.lastHeard = now;
    }
    // The latest reading by event time, not the highest number: a device may have restarted.
    latest.forEach((device, r) -> device.sequence.resumeAt(r.seq()));
    for (WindowGap gap : gaps) {
      DeviceState device = device(gap.deviceId(), gap.siteId(), gap.deviceType());
      OpenWindow window = window(metric(device, gap.metric()), gap.windowStart());
      window.missing += gap.missing();
      window.restarts += gap.restarts();
      device.lastHeard = now;
    }
  }

  private DeviceState device(String deviceId, String siteId, String deviceType) {
    DeviceState device = devices.get(deviceId);
    if (device == null) {
      device = new DeviceState(deviceId, names.of(siteId), names.of(deviceType));
      devices.put(deviceId, device);
      deviceList.add(device);
    }
    return device;
  }

  private MetricState metric(DeviceState device, String metric) {
    MetricState state = device.metrics.get(metric);
    if (state == null) {
      state =
          new MetricState(
              metric,
              settings.filterFor(device.deviceType, metric),
              MetricRules.select(settings.rules(), device.deviceType, metric));
      device.metrics.put(metric, state);
      device.metricList.add(state);
    }
    return state;
  }

  /** Windows currently open, for metrics. */
  public int openWindows() {
    return openWindowCount;
  }

  /** The metric's window starting at {@code start}, opened (and counted) if it is not open yet. */
  private OpenWindow window(MetricState state, long start) {
    int before = state.windows.size();
    OpenWindow window = state.window(start);
    openWindowCount += state.windows.size() - before;
    return window;
  }

  private void reject(
      String topic, byte[] payload, RejectReason reason, String detail, int readings) {
    counters.reject(reason, readings);
    sink.rejected(topic, payload, reason, detail);
  }
}
