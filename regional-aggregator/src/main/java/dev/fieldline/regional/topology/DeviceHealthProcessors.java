package dev.fieldline.regional.topology;

import dev.fieldline.regional.health.DeviceHealth;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keep the device health table: one entry per device, updated from its summaries and decisions.
 * Both inputs are keyed by deviceId and co-partitioned, so each device's entry has one writer.
 */
final class DeviceHealthProcessors {
  static final String STORE = "device-health";

  private DeviceHealthProcessors() {}

  static Serde<DeviceHealth> serde() {
    return HealthCodec.serde();
  }

  /**
   * Updates the table from (deduplicated) summaries and from decisions, one processor for both so
   * that it can keep the entries it updates as objects.
   *
   * <p>The entries most recently updated are kept decoded, written through to the store on every
   * update: each device's entry changes with every summary, and reading it back from the store's
   * cache decoded it each time (7% of the stream thread). Rebuilt from the store after init (a task
   * moved, restarted or was revived after an aborted transaction), like the store's own cache.
   */
  static final class Updater implements Processor<String, SpecificRecord, Void, Void> {
    /**
     * About 1 KB an entry: 10,000 devices a task in 10 MB; an entry that falls out costs a read.
     */
    static final int CACHED_DEVICES = 10_000;

    private final int keep;
    private final RegionalCounters counters;
    private final RecentlyUsed<String, DeviceHealth> recent = new RecentlyUsed<>(CACHED_DEVICES);
    private KeyValueStore<String, DeviceHealth> table;

    Updater(int keep, RegionalCounters counters) {
      this.keep = keep;
      this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      table = context.getStateStore(STORE);
      recent.clear();
    }

    @Override
    public void close() {
      recent.clear();
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
      if (record.value() instanceof EdgeSummary summary) {
        fromSummary(summary);
      } else if (record.value() instanceof DecisionEvent decision) {
        fromDecision(decision);
      }
    }

    private void fromSummary(EdgeSummary summary) {
      DeviceHealth health = load(summary.getDeviceId());
      health.siteId = summary.getSiteId();
      health.deviceType = summary.getDeviceType();
      health.gatewayId = summary.getGatewayId();
      health.region = summary.getRegion();
      health.lastSeen = Math.max(health.lastSeen, summary.getWindowEnd().toEpochMilli());
      health.summaries++;
      health.missing += summary.getMissingCount();
      DeviceHealth.MetricSnapshot previous = health.metrics.get(summary.getMetric());
      long missing = (previous == null ? 0 : previous.missing) + summary.getMissingCount();
      long restarts = (previous == null ? 0 : previous.restarts) + summary.getRestartCount();
      health.restarts = Math.max(health.restarts, restarts);
      if (previous != null) {
        previous.missing = missing;
        previous.restarts = restarts;
      }
      if (previous == null || previous.windowStart <= summary.getWindowStart().toEpochMilli()) {
        DeviceHealth.MetricSnapshot snapshot = new DeviceHealth.MetricSnapshot();
        snapshot.windowStart = summary.getWindowStart().toEpochMilli();
        snapshot.windowEnd = summary.getWindowEnd().toEpochMilli();
        snapshot.count = summary.getStats().getCount();
        snapshot.mean = summary.getStats().getMean();
        snapshot.min = summary.getStats().getMin();
        snapshot.max = summary.getStats().getMax();
        snapshot.lastSeq = summary.getLastSeq();
        snapshot.anomalies = summary.getAnomalyCount();
        snapshot.missing = missing;
        snapshot.restarts = restarts;
        health.metrics.put(summary.getMetric(), snapshot);
      }
      store(health);
    }

    /** Records a decision among the device's most recent ones. */
    private void fromDecision(DecisionEvent decision) {
      counters.decisionsIn.increment();
      DeviceHealth health = load(decision.getDeviceId());
      if (health.siteId == null) {
        health.siteId = decision.getSiteId();
        health.deviceType = decision.getDeviceType();
        health.gatewayId = decision.getGatewayId();
        health.region = decision.getRegion();
      }
      health.decisions++;
      health.lastSeen = Math.max(health.lastSeen, decision.getDecidedAt().toEpochMilli());
      DeviceHealth.DecisionSnapshot snapshot = new DeviceHealth.DecisionSnapshot();
      snapshot.ruleId = decision.getRuleId();
      snapshot.action = decision.getAction();
      snapshot.metric = decision.getMetric();
      snapshot.value = decision.getValue();
      snapshot.reason = decision.getReason();
      snapshot.readingSeq = decision.getReadingSeq();
      snapshot.decidedAt = decision.getDecidedAt().toEpochMilli();
      snapshot.featureVersion = decision.getFeatureVersion();
      health.recentDecisions.add(0, snapshot);
      while (health.recentDecisions.size() > keep) {
        health.recentDecisions.remove(health.recentDecisions.size() - 1);
      }
      store(health);
    }

    private DeviceHealth load(String deviceId) {
      DeviceHealth health = recent.get(deviceId);
      if (health == null) {
        health = table.get(deviceId);
      }
      if (health == null) {
        health = new DeviceHealth();
        health.deviceId = deviceId;
      }
      return health;
    }

    private void store(DeviceHealth health) {
      table.put(health.deviceId, health);
      recent.put(health.deviceId, health);
    }
  }
}
