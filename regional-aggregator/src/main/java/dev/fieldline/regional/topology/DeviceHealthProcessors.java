package dev.fieldline.regional.topology;

import dev.fieldline.regional.health.DeviceHealth;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
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

  /** Updates the table from a (deduplicated) summary. */
  static final class FromSummaries implements Processor<String, EdgeSummary, Void, Void> {
    private KeyValueStore<String, DeviceHealth> table;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      table = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, EdgeSummary> record) {
      EdgeSummary summary = record.value();
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
      table.put(health.deviceId, health);
    }

    private DeviceHealth load(String deviceId) {
      DeviceHealth health = table.get(deviceId);
      if (health == null) {
        health = new DeviceHealth();
        health.deviceId = deviceId;
      }
      return health;
    }
  }

  /** Records a decision among the device's most recent ones. */
  static final class FromDecisions implements Processor<String, DecisionEvent, Void, Void> {
    private final int keep;
    private final RegionalCounters counters;
    private KeyValueStore<String, DeviceHealth> table;

    FromDecisions(int keep, RegionalCounters counters) {
      this.keep = keep;
      this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      table = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, DecisionEvent> record) {
      DecisionEvent decision = record.value();
      if (decision == null) {
        return;
      }
      counters.decisionsIn.increment();
      DeviceHealth health = table.get(decision.getDeviceId());
      if (health == null) {
        health = new DeviceHealth();
        health.deviceId = decision.getDeviceId();
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
      table.put(health.deviceId, health);
    }
  }
}
