package dev.fieldline.global.job;

import static dev.fieldline.global.job.Aggregates.MINUTE;
import static dev.fieldline.global.job.Aggregates.T0;
import static dev.fieldline.global.job.Aggregates.around;
import static dev.fieldline.global.job.Aggregates.exported;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.GlobalAlert;
import dev.fieldline.schema.v1.RegionAnomalyRate;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CrossRegionAlertsTest {
  private static final AvroCodec<GlobalAlert> CODEC = AvroCodec.of(GlobalAlert.class);
  private static final double[] TWENTY = around(20, 2, 20);

  private KeyedOneInputStreamOperatorTestHarness<String, ExportedAggregate, Outbound> harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void shouldAlertWhenTwoRegionsAreAboveTheThresholdInTheSameWindow() throws Exception {
    harness = open(0.05, 2);
    push(exported("eu-west", "chiller", "temperature", T0, 2, TWENTY)); // 2/20 = 0.10
    push(exported("us-east", "chiller", "temperature", T0, 3, TWENTY)); // 3/20 = 0.15
    push(exported("ap-south", "chiller", "temperature", T0, 0, TWENTY)); // 0
    assertThat(harness.extractOutputValues()).as("not before the window closes").isEmpty();

    harness.processWatermark(T0 + MINUTE - 1);

    List<GlobalAlert> alerts = alerts();
    assertThat(alerts).hasSize(1);
    GlobalAlert alert = alerts.get(0);
    assertThat(alert.getAlertId()).isEqualTo("chiller@" + T0);
    assertThat(alert.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
    assertThat(alert.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + MINUTE));
    assertThat(alert.getRegionsAbove()).isEqualTo(2);
    assertThat(alert.getRegions())
        .extracting(RegionAnomalyRate::getRegion, RegionAnomalyRate::getAboveThreshold)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ap-south", false),
            org.assertj.core.groups.Tuple.tuple("eu-west", true),
            org.assertj.core.groups.Tuple.tuple("us-east", true));
    assertThat(alert.getRegions().get(2).getRate()).isCloseTo(0.15, within(1e-12));
    Outbound record = harness.extractOutputValues().get(0);
    assertThat(record.topic).isEqualTo(Topics.GLOBAL_ALERTS.name());
    assertThat(record.key).isEqualTo("chiller");
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldNotAlertWhenOnlyOneRegionIsAbove() throws Exception {
    harness = open(0.05, 2);
    push(exported("eu-west", "chiller", "temperature", T0, 5, TWENTY));
    push(exported("us-east", "chiller", "temperature", T0, 1, TWENTY)); // exactly 0.05: not above

    harness.processWatermark(T0 + MINUTE - 1);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldHonourTheRequiredNumberOfRegions() throws Exception {
    harness = open(0.05, 3);
    push(exported("eu-west", "chiller", "temperature", T0, 5, TWENTY));
    push(exported("us-east", "chiller", "temperature", T0, 5, TWENTY));

    harness.processWatermark(T0 + MINUTE - 1);

    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void shouldPoolTheMetricsOfADeviceTypePerRegion() throws Exception {
    harness = open(0.05, 2);
    // eu-west: 0 + 4 anomalies over 20 + 20 readings = 0.10; us-east: 2 over 20 + 60 = 0.025.
    push(exported("eu-west", "chiller", "temperature", T0, 0, TWENTY));
    push(exported("eu-west", "chiller", "pressure", T0, 4, TWENTY));
    push(exported("us-east", "chiller", "temperature", T0, 2, TWENTY));
    push(exported("us-east", "chiller", "pressure", T0, 0, around(5, 1, 60)));

    harness.processWatermark(T0 + MINUTE - 1);

    assertThat(harness.extractOutputValues()).isEmpty();
  }

  @Test
  void shouldJudgeEachWindowOnItsOwn() throws Exception {
    harness = open(0.05, 2);
    push(exported("eu-west", "chiller", "temperature", T0, 5, TWENTY));
    push(exported("us-east", "chiller", "temperature", T0 + MINUTE, 5, TWENTY));
    push(exported("eu-west", "chiller", "temperature", T0 + MINUTE, 5, TWENTY));
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);

    harness.processWatermark(T0 + MINUTE - 1);
    assertThat(alerts()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    harness.processWatermark(T0 + 2 * MINUTE - 1);
    assertThat(alerts())
        .extracting(GlobalAlert::getWindowStart)
        .containsExactly(Instant.ofEpochMilli(T0 + MINUTE));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void shouldIgnoreAggregatesOfAWindowAlreadyJudged() throws Exception {
    harness = open(0.05, 2);
    push(exported("eu-west", "chiller", "temperature", T0, 5, TWENTY));
    harness.processWatermark(T0 + MINUTE - 1);

    push(exported("us-east", "chiller", "temperature", T0, 5, TWENTY));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, ExportedAggregate, Outbound> open(
      double threshold, int minRegions) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new CrossRegionAlerts(threshold, minRegions, MINUTE),
        aggregate -> aggregate.deviceType,
        Types.STRING);
  }

  private void push(ExportedAggregate aggregate) throws Exception {
    harness.processElement(aggregate, aggregate.windowStart);
  }

  private List<GlobalAlert> alerts() {
    return harness.extractOutputValues().stream()
        .map(out -> CODEC.decode(out.value, out.topic))
        .toList();
  }
}
