package dev.fieldline.edge.core;

import dev.fieldline.edge.sparkplug.SparkplugOutcome;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the decision core counted. Readings are metric values: a message with three metrics is three
 * readings, and a message that cannot be parsed counts as one rejected reading. At any time {@code
 * received = accepted + rejected + filtered}, and {@code received + missing} is what the devices
 * sent, once their gaps are settled: a skipped sequence number counts as missing once for each
 * metric of the message that revealed it.
 */
public final class CoreCounters {
  public final LongAdder messages = new LongAdder();
  public final LongAdder received = new LongAdder();
  public final LongAdder accepted = new LongAdder();
  public final LongAdder anomalies = new LongAdder();
  public final LongAdder decisions = new LongAdder();
  public final LongAdder commands = new LongAdder();
  public final LongAdder summaries = new LongAdder();
  public final LongAdder summarizedReadings = new LongAdder();

  /** Readings the devices sent that never reached the edge (sequence gaps). */
  public final LongAdder missing = new LongAdder();

  /** Times a device's sequence started over. */
  public final LongAdder restarts = new LongAdder();

  // Touched only when readings go missing: never on the ordinary path.
  private final Map<String, LongAdder> missingByDevice = new ConcurrentHashMap<>();
  private volatile long lastMissingAt = Long.MIN_VALUE;
  private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
  private final Map<FilterReason, LongAdder> filtered = new EnumMap<>(FilterReason.class);

  /** Sparkplug B messages by what they were to the host. */
  private final Map<SparkplugOutcome.Kind, LongAdder> sparkplug =
      new EnumMap<>(SparkplugOutcome.Kind.class);

  /** Sparkplug B rebirth requests sent to edge nodes (after a gap, or data before a birth). */
  public final LongAdder rebirthsRequested = new LongAdder();

  /** Sparkplug B metrics of types that are not numbers: counted, not read. */
  public final LongAdder sparkplugMetricsIgnored = new LongAdder();

  public CoreCounters() {
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, new LongAdder());
    }
    for (FilterReason reason : FilterReason.values()) {
      filtered.put(reason, new LongAdder());
    }
    for (SparkplugOutcome.Kind kind : SparkplugOutcome.Kind.values()) {
      sparkplug.put(kind, new LongAdder());
    }
  }

  void countSparkplug(SparkplugOutcome.Kind kind) {
    sparkplug.get(kind).increment();
  }

  public long sparkplug(SparkplugOutcome.Kind kind) {
    return sparkplug.get(kind).sum();
  }

  void reject(RejectReason reason, int readings) {
    rejected.get(reason).add(readings);
    received.add(readings);
  }

  void filter(FilterReason reason) {
    filtered.get(reason).increment();
    received.increment();
  }

  void filter(FilterReason reason, int readings) {
    filtered.get(reason).add(readings);
    received.add(readings);
  }

  void missing(String deviceId, long readings, long now) {
    missing.add(readings);
    missingByDevice.computeIfAbsent(deviceId, id -> new LongAdder()).add(readings);
    lastMissingAt = now;
  }

  /** Gateway clock when readings last went missing; {@link Long#MIN_VALUE} for never. */
  public long lastMissingAt() {
    return lastMissingAt;
  }

  /** The devices with the most missing readings, at most {@code limit}, most first. */
  public Map<String, Long> missingByDevice(int limit) {
    Map<String, Long> top = new LinkedHashMap<>();
    missingByDevice.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(limit)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  /** Missing readings of one device. */
  public long missing(String deviceId) {
    LongAdder adder = missingByDevice.get(deviceId);
    return adder == null ? 0 : adder.sum();
  }

  /** Devices that have had readings go missing. */
  public int devicesWithMissing() {
    return missingByDevice.size();
  }

  public long rejected(RejectReason reason) {
    return rejected.get(reason).sum();
  }

  public long filtered(FilterReason reason) {
    return filtered.get(reason).sum();
  }

  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(LongAdder::sum).sum();
  }

  public long filteredTotal() {
    return filtered.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
