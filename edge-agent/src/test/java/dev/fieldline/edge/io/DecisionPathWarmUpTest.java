package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.TopicTemplate;
import dev.fieldline.edge.core.filters.FilterSpec;
import dev.fieldline.edge.core.rules.RuleKind;
import dev.fieldline.edge.core.rules.RuleSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionPathWarmUpTest {
  private static final CommandCodec JSON = new CommandCodec(CommandCodec.Format.JSON);
  private static final TopicTemplate COMMANDS =
      new TopicTemplate("sites/{siteId}/devices/{deviceId}/commands");

  private static RuleSpec overheat(String type, String metric) {
    return new RuleSpec(
        "overheat",
        RuleKind.THRESHOLD,
        type,
        metric,
        80,
        Double.NaN,
        Double.NaN,
        70,
        1,
        1,
        0,
        "throttle",
        Map.of("level", "50"),
        "resume");
  }

  @Test
  void shouldFireAndClearTheConfiguredRulesAndCloseTheirWindows() {
    CoreSettings settings =
        CoreSettings.defaults(
            List.of(), List.of(overheat("chiller", "temperature"), overheat(null, "vibration")));

    DecisionPathWarmUp.Result warm = DecisionPathWarmUp.run(settings, JSON, COMMANDS);

    assertThat(warm.readings()).isEqualTo(DecisionPathWarmUp.READINGS);
    assertThat(warm.commands())
        .as("in each of the two series, every reading after the first (low) one fires or clears")
        .isEqualTo(DecisionPathWarmUp.READINGS - 2);
    assertThat(warm.summaries())
        .as("two series, windows of 10 s over 10 s of readings")
        .isBetween(2, 6);
  }

  @Test
  void shouldLeaveOutFiltersThatWouldDropItsReadings() {
    FilterSpec narrowRange = new FilterSpec(null, "temperature", -50, 150, 0, Duration.ZERO);
    CoreSettings settings =
        CoreSettings.defaults(List.of(narrowRange), List.of(overheat("chiller", "temperature")));

    assertThat(DecisionPathWarmUp.run(settings, JSON, COMMANDS).commands()).isPositive();
  }

  @Test
  void shouldWarmUpWithoutRulesOnAnyTopicLayout() {
    CoreSettings settings =
        new CoreSettings(
            "gw",
            "eu-west",
            new TopicTemplate("plant/{deviceId}/at/{siteId}/data"),
            "generic",
            65_536,
            Duration.ofMinutes(5),
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            CoreSettings.DEFAULT_REORDER_ALLOWANCE,
            List.of(),
            List.of(),
            null,
            null);

    DecisionPathWarmUp.Result warm = DecisionPathWarmUp.run(settings, JSON, COMMANDS);

    assertThat(warm.commands()).isZero();
    assertThat(warm.summaries()).as("its readings were accepted into windows").isPositive();
  }
}
