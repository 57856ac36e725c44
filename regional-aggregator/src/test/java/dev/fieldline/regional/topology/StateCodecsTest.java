package dev.fieldline.regional.topology;

import static dev.fieldline.regional.Summaries.summary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.regional.health.DeviceHealth;
import org.junit.jupiter.api.Test;

class StateCodecsTest {

  @Test
  void shouldRoundTripDeviceHealthWithNullsAndLists() {
    DeviceHealth health = new DeviceHealth();
    health.deviceId = "d-1";
    health.siteId = "säte-ü";
    health.lastSeen = 42;
    health.summaries = 3;
    DeviceHealth.MetricSnapshot m = new DeviceHealth.MetricSnapshot();
    m.mean = 1.5;
    m.max = Double.POSITIVE_INFINITY;
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
    state.add(summary("gw", "site-a", "e", "chiller", 10, 5), true);
    var serde = RollupState.serde();

    RollupState copy =
        serde.deserializer().deserialize("t", serde.serializer().serialize("t", state));

    assertThat(copy.stats.toAvro()).isEqualTo(state.stats.toAvro());
    assertThat(copy.siteId).isEqualTo("site-a");
    assertThat(copy.deviceCount).isEqualTo(2);
    assertThat(copy.summaryCount).isEqualTo(2);
    assertThat(copy.anomalyCount).isEqualTo(state.anomalyCount);
  }
}
