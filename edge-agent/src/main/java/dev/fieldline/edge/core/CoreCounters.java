package dev.fieldline.edge.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the decision core counted. Readings are metric values: a message with three metrics is three
 * readings, and a message that cannot be parsed counts as one rejected reading. At any time {@code
 * received = accepted + rejected + filtered}.
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
  private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
  private final Map<FilterReason, LongAdder> filtered = new EnumMap<>(FilterReason.class);

  public CoreCounters() {
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, new LongAdder());
    }
    for (FilterReason reason : FilterReason.values()) {
      filtered.put(reason, new LongAdder());
    }
  }

  void reject(RejectReason reason, int readings) {
    rejected.get(reason).add(readings);
    received.add(readings);
  }

  void filter(FilterReason reason) {
    filtered.get(reason).increment();
    received.increment();
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
