package dev.fieldline.edge.core;

import static dev.fieldline.edge.sparkplug.TahuEdgeNode.dbirth;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.ddata;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.deviceTopic;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.nbirth;
import static dev.fieldline.edge.sparkplug.TahuEdgeNode.nodeTopic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.core.rules.RuleKind;
import dev.fieldline.edge.core.rules.RuleSpec;
import dev.fieldline.edge.sparkplug.SparkplugOutcome;
import dev.fieldline.schema.v1.EdgeSummary;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sparkplug B messages through the decision core: readings, rules, commands, summaries. */
class SparkplugCoreTest {
  private static final long T0 = 1_767_607_200_000L;

  private final RecordingSink sink = new RecordingSink();
  private final CoreCounters counters = new CoreCounters();
  private final DecisionCore core =
      new DecisionCore(
          CoreSettings.defaults(
              List.of(),
              List.of(
                  new RuleSpec(
                      "too-warm",
                      RuleKind.THRESHOLD,
                      null,
                      "temperature",
                      8,
                      Double.NaN,
                      Double.NaN,
                      Double.NaN,
                      1,
                      1,
                      0,
                      "defrost",
                      Map.of("minutes", "5"),
                      null))),
          FeatureLookup.NONE,
          sink,
          counters);

  @Test
  void readsBirthsAndDataDecidesAndCommandsTheDeviceAsDcmd() throws Exception {
    send(nodeTopic("NBIRTH"), nbirth(0, 1, T0));
    send(deviceTopic("DBIRTH"), dbirth(1, T0));
    send(deviceTopic("DDATA"), ddata(2, 5.0, T0 + 1_000));
    send(deviceTopic("DDATA"), ddata(3, 9.5, T0 + 2_000));

    assertThat(sink.accepted)
        .filteredOn(r -> r.deviceId().equals("node-1:chiller-1"))
        .extracting(AcceptedReading::metric, AcceptedReading::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("temperature", 4.2),
            org.assertj.core.groups.Tuple.tuple("pressure", 1.5),
            org.assertj.core.groups.Tuple.tuple("temperature", 5.0),
            org.assertj.core.groups.Tuple.tuple("temperature", 9.5));
    assertThat(sink.accepted).extracting(AcceptedReading::siteId).containsOnly("plant-1");
    assertThat(sink.sparkplugCommands).containsExactly("plant-1/node-1/chiller-1 defrost");
    assertThat(sink.commands).as("nothing on Fieldline's own command topics").isEmpty();
    assertThat(counters.sparkplugMetricsIgnored.sum()).as("the string status").isEqualTo(1);
    assertThat(counters.sparkplug(SparkplugOutcome.Kind.BIRTH)).isEqualTo(2);

    core.closeWindows(T0 + 60_000);
    assertThat(sink.summaries)
        .filteredOn(s -> s.getMetric().equals("temperature"))
        .extracting(EdgeSummary::getDeviceId)
        .containsOnly("node-1:chiller-1");
    assertThat(counters.missing.sum()).isZero();
  }

  @Test
  void asksForARebirthAfterAGapAndCountsWhatItCouldNotUse() throws Exception {
    send(nodeTopic("NBIRTH"), nbirth(0, 1, T0));
    send(deviceTopic("DBIRTH"), dbirth(1, T0));
    send(deviceTopic("DDATA"), ddata(5, 5.0, T0 + 1_000));

    assertThat(sink.rebirths).containsExactly("plant-1/node-1");
    assertThat(counters.rebirthsRequested.sum()).isEqualTo(1);
    assertThat(counters.filtered(FilterReason.OUT_OF_ORDER)).isEqualTo(1);
    send(deviceTopic("DDATA"), new byte[] {0x0a, 0x7f});
    assertThat(sink.rejected).contains(RejectReason.MALFORMED);
  }

  @Test
  void closesADeadDevicesWindowsMarkedOfflineWithoutWaitingForItsSilence() throws Exception {
    long now = T0 + 9_000; // the gateway clock: everyone heard from two seconds before the close
    core.onMessage(nodeTopic("NBIRTH"), nbirth(0, 1, T0), System.nanoTime(), now);
    core.onMessage(deviceTopic("DBIRTH"), dbirth(1, T0), System.nanoTime(), now);
    core.onMessage(deviceTopic("DDATA"), ddata(2, 5.0, T0 + 1_000), System.nanoTime(), now);
    core.onMessage(
        deviceTopic("DDEATH"),
        dev.fieldline.edge.sparkplug.TahuEdgeNode.ddeath(3, T0 + 1_500),
        System.nanoTime(),
        now);

    core.closeWindows(T0 + 11_000); // past the window's end and grace, not the idle time
    assertThat(sink.summaries)
        .isNotEmpty()
        .allSatisfy(
            summary -> {
              assertThat(summary.getDeviceId()).isEqualTo("node-1:chiller-1");
              assertThat(summary.getDeviceOffline()).isTrue();
            });
    assertThat(sink.summaries)
        .filteredOn(summary -> summary.getMetric().equals("temperature"))
        .singleElement()
        .satisfies(summary -> assertThat(summary.getStats().getCount()).isEqualTo(2));

    // Born again: its new windows are online ones.
    core.onMessage(deviceTopic("DBIRTH"), dbirth(4, T0 + 12_000), System.nanoTime(), T0 + 13_000);
    core.closeAll();
    assertThat(sink.summaries)
        .filteredOn(summary -> summary.getWindowStart().toEpochMilli() == T0 + 10_000)
        .isNotEmpty()
        .allSatisfy(summary -> assertThat(summary.getDeviceOffline()).isFalse());
  }

  private void send(String topic, byte[] payload) {
    core.onMessage(topic, payload, System.nanoTime(), T0 + 5_000);
  }
}
