package dev.fieldline.regional.topology;

import static dev.fieldline.regional.Summaries.summary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.regional.health.DeviceHealth;
import dev.fieldline.schema.v1.EdgeSummary;
import org.junit.jupiter.api.Test;

class StateCodecsTest {

  @Test
  void shouldRoundTripDeviceHealthWithNullsAndLists() {
    DeviceHealth health = new DeviceHealth();
    health.deviceId = "d-1";
    health.siteId = "säte-ü";
    health.lastSeen = 42;
    health.summaries = 3;
    health.missing = 7;
    health.restarts = 1;
    DeviceHealth.MetricSnapshot m = new DeviceHealth.MetricSnapshot();
    m.mean = 1.5;
    m.max = Double.POSITIVE_INFINITY;
    m.missing = 7;
    m.restarts = 1;
    health.metrics.put("temperature", m);
    DeviceHealth.DecisionSnapshot d = new DeviceHealth.DecisionSnapshot();
    d.ruleId = "r";
    d.featureVersion = 9L;
    health.recentDecisions.add(d);
    health.recentDecisions.add(new DeviceHealth.DecisionSnapshot());

    DeviceHealth copy = HealthCodec.read(HealthCodec.write(health));

    assertThat(copy).usingRecursiveComparison().isEqualTo(health);
  }

  @Test
  void shouldRoundTripRollupState() {
    RollupState state = RollupState.empty(summary("gw", "site-a", "d", "chiller", 0, 1, 2), true);
    state.add(summary("gw", "site-a", "d", "chiller", 0, 1, 2), true);
    state.add(
        EdgeSummary.newBuilder(summary("gw", "site-a", "e", "chiller", 10, 5))
            .setMissingCount(12)
            .setRestartCount(1)
            .build(),
        true);
    var serde = RollupState.serde();

    RollupState copy =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));

    assertThat(copy.stats.toAvro()).isEqualTo(state.stats.toAvro());
    assertThat(copy.siteId).isEqualTo("site-a");
    assertThat(copy.deviceCount).isEqualTo(2);
    assertThat(copy.summaryCount).isEqualTo(2);
    assertThat(copy.anomalyCount).isEqualTo(state.anomalyCount);
    assertThat(copy.missingCount).isEqualTo(12);
    assertThat(copy.restartCount).isEqualTo(1);
  }

  @Test
  void shouldReadRollupStateWrittenBeforeGapsWereCountedWithZeroGaps() {
    byte[] formatOne =
        new StateWriter(128)
            .putByte((byte) 1)
            .putString("site-a")
            .putString("chiller")
            .putString("temperature")
            .putLong(2)
            .putDouble(3.0)
            .putDouble(1.0)
            .putDouble(2.0)
            .putDouble(1.5)
            .putDouble(0.5)
            .putLong(1)
            .putLong(4)
            .putLong(5)
            .putLong(6)
            .putLong(7)
            .putLong(8)
            .toBytes();

    RollupState read = RollupState.serde().deserializer().deserialize("t", formatOne);

    assertThat(read.stats.count()).isEqualTo(2);
    assertThat(read.filteredCount).isEqualTo(7);
    assertThat(read.summaryCount).isEqualTo(8);
    assertThat(read.missingCount).isZero();
    assertThat(read.restartCount).isZero();
  }

  @Test
  void shouldReadDeviceHealthWrittenBeforeGapsWereCountedWithZeroGaps() {
    byte[] formatOne =
        new StateWriter(128)
            .putByte((byte) 1)
            .putString("d-1")
            .putString("site-a")
            .putString("chiller")
            .putString("gw")
            .putString("eu-west")
            .putLong(42)
            .putLong(3)
            .putLong(0)
            .putInt(1)
            .putString("temperature")
            .putLong(0)
            .putLong(10)
            .putLong(2)
            .putDouble(1.5)
            .putDouble(1.0)
            .putDouble(2.0)
            .putLong(99)
            .putLong(0)
            .putInt(0)
            .toBytes();

    DeviceHealth read = HealthCodec.read(formatOne);

    assertThat(read.summaries).isEqualTo(3);
    assertThat(read.metrics.get("temperature").lastSeq).isEqualTo(99);
    assertThat(read.missing).isZero();
    assertThat(read.metrics.get("temperature").missing).isZero();
  }
}
