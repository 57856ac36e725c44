package dev.fieldline.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.config.RulesFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A steady reading past a threshold is exactly when a rule must act, whatever the filters thin out
 * upstream: with the shipped {@code rules.example.yaml}, chillers reporting about 100 °C (values
 * stepping by 0.01, inside the 0.05 deadband) at 20 readings/s (inside the 100 ms rate limit) get
 * their {@code chiller-overheat} command (85 °C, 3 of 5), once each.
 */
class SustainedConditionTest {
  private static final long T0 = 1_767_607_200_000L;
  private static final int CHILLERS = 6;
  private static final int READINGS = 40; // two seconds at 20/s

  @Test
  void shouldFireTheRuleForASustainedConditionTheFiltersThin() throws Exception {
    RulesFile rules = RulesFile.load(Path.of("rules.example.yaml"));
    RecordingSink sink = new RecordingSink();
    CoreCounters counters = new CoreCounters();
    DecisionCore core =
        new DecisionCore(
            CoreSettings.defaults(rules.filters(), rules.rules()),
            FeatureLookup.NONE,
            sink,
            counters);

    for (int i = 0; i < READINGS; i++) {
      long ts = T0 + i * 50L;
      for (int c = 0; c < CHILLERS; c++) {
        String device = "chiller-" + c;
        byte[] payload =
            String.format(
                    "{\"deviceId\":\"%s\",\"type\":\"chiller\",\"ts\":%d,\"seq\":%d,"
                        + "\"metrics\":{\"temperature\":%.2f}}",
                    device, ts, i + 1, 100 + i * 0.01)
                .getBytes(StandardCharsets.UTF_8);
        core.onMessage("sites/s1/devices/" + device + "/telemetry", payload, System.nanoTime(), ts);
      }
    }

    assertThat(sink.commands)
        .as("one throttle command per chiller")
        .hasSize(CHILLERS)
        .allSatisfy(
            command -> {
              assertThat(command.getRuleId()).isEqualTo("chiller-overheat");
              assertThat(command.getAction()).isEqualTo("throttle");
              assertThat(command.getReadingSeq()).as("fires on the third hot reading").isEqualTo(3);
            });
    assertThat(sink.commands).extracting(c -> c.getDeviceId()).doesNotHaveDuplicates();
    assertThat(
            counters.filtered(FilterReason.DEADBAND) + counters.filtered(FilterReason.RATE_LIMITED))
        .as("the filters still thin what goes upstream")
        .isGreaterThan(CHILLERS * READINGS / 2);
    assertThat(counters.received.sum())
        .isEqualTo(counters.accepted.sum() + counters.filteredTotal());
    assertThat(List.of(counters.decisions.sum())).containsExactly((long) CHILLERS);
  }
}
