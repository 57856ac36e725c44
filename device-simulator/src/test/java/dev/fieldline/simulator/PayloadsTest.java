package dev.fieldline.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.edge.core.DecisionCore;
import dev.fieldline.edge.core.RejectReason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The edge agent's own decision core judges what the simulator sends. */
class PayloadsTest {
  private static final String TOPIC = "sites/site-1/devices/dev-0001/telemetry";
  private static final long NOW = System.currentTimeMillis();

  private final EdgeVerdicts verdicts = new EdgeVerdicts();
  private final List<RejectReason> rejected = verdicts.rejected;
  private final List<AcceptedReading> accepted = verdicts.accepted;
  private final CoreCounters counters = verdicts.counters;
  private final DecisionCore core = verdicts.core;

  @ParameterizedTest
  @EnumSource(value = Malformation.class, mode = EnumSource.Mode.MATCH_NONE, names = "SPARKPLUG_.*")
  void shouldBeRejectedByTheEdgeForTheReasonItIsNamedAfterAsOneReading(Malformation kind) {
    byte[] payload = Payloads.spoiled(kind, "dev-0001", "chiller", NOW, 7, "temperature");

    core.onMessage(TOPIC, payload, System.nanoTime(), NOW);

    assertThat(rejected).extracting(RejectReason::code).containsExactly(kind.rejectReason());
    assertThat(accepted).isEmpty();
    assertThat(counters.received.sum()).as("counted as one reading").isEqualTo(1);
  }

  @Test
  void shouldWriteGoodReadingsTheEdgeAcceptsMetricByMetric() {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("pressure", 7.25);
    metrics.put("temperature", 69.5);

    core.onMessage(
        TOPIC, Payloads.reading("dev-0001", "compressor", NOW, 3, metrics), System.nanoTime(), NOW);

    assertThat(rejected).isEmpty();
    assertThat(accepted).hasSize(2);
    assertThat(accepted).allSatisfy(r -> assertThat(r.seq()).isEqualTo(3));
    assertThat(counters.accepted.sum()).isEqualTo(2);
  }
}
