package dev.fieldline.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.edge.core.rules.RuleKind;
import dev.fieldline.support.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFileTest {
  @TempDir Path dir;

  @Test
  void shouldLoadTheShippedExample() {
    RulesFile rules = RulesFile.load(Path.of("rules.example.yaml"));

    assertThat(rules.rules())
        .extracting(r -> r.kind())
        .contains(RuleKind.THRESHOLD, RuleKind.RATE_OF_CHANGE, RuleKind.ZSCORE, RuleKind.ANOMALY);
    assertThat(rules.filters()).isNotEmpty();
    assertThat(rules.rules())
        .filteredOn(r -> r.id().equals("pressure-unusual-trial"))
        .singleElement()
        .satisfies(r -> assertThat(r.shadow()).isTrue());
  }

  @Test
  void shouldReadWhetherAnAnomalyRuleTakesTheFeaturesAndRefuseItElsewhere() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("rules.yaml"),
            """
            rules:
              - id: alone
                type: anomaly
                metric: temperature
                above: 0.5
                features: withhold
                action: inspect
              - id: fleet
                type: anomaly
                metric: temperature
                above: 0.5
                action: inspect
            """);
    RulesFile rules = RulesFile.load(file);
    assertThat(rules.rules())
        .extracting(r -> r.detector().fleetPriors())
        .containsExactly(false, true);

    Path wrong =
        Files.writeString(
            dir.resolve("wrong.yaml"),
            """
            rules:
              - id: hot
                type: threshold
                metric: temperature
                above: 80
                features: withhold
                action: inspect
            """);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RulesFile.load(wrong))
        .hasMessageContaining("rule 'hot': features (use or withhold) is for anomaly rules only");
  }

  @Test
  void shouldReadDebounceHysteresisAndFilters() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("rules.yaml"),
            """
            filters:
              - device-type: chiller
                metric: temperature
                min: -40
                max: 120
                deadband: 0.2
                min-interval: 250ms
            rules:
              - id: hot
                type: threshold
                device-type: chiller
                metric: temperature
                above: 80
                clear-below: 75
                debounce: {n: 3, m: 5}
                action: throttle
                clear-action: resume
            """);

    RulesFile rules = RulesFile.load(file);

    assertThat(rules.filters().get(0).minInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(rules.filters().get(0).deadband()).isEqualTo(0.2);
    assertThat(rules.rules().get(0).debounceN()).isEqualTo(3);
    assertThat(rules.rules().get(0).clearBelow()).isEqualTo(75.0);
    assertThat(rules.rules().get(0).clearAction()).isEqualTo("resume");
  }

  @Test
  void shouldNameTheRuleAndEveryProblem() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"),
            """
            rules:
              - id: hot
                type: thermostat
                metric: temperature
                above: 80
                action: throttle
              - id: cold
                type: threshold
                metric: temperature
                action: heat
                debounce: {n: 4, m: 2}
              - id: hot
                type: threshold
                metric: temperature
                below: 1
              - id: odd
                type: anomaly
                metric: temperature
                above: 1.5
                action: inspect
            """);

    assertThatThrownBy(() -> RulesFile.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "rule 'hot': type must be threshold, rate-of-change, zscore or anomaly")
        .hasMessageContaining("rule 'odd': an anomaly score is in [0, 1]")
        .hasMessageContaining("rule 'cold': needs above or below")
        .hasMessageContaining("rule 'cold': debounce needs 1 <= n <= m <= 64")
        .hasMessageContaining("rule 'hot': id is used twice")
        .hasMessageContaining("rule 'hot': needs an action");
  }

  @Test
  void shouldRefuseUnknownKeysAndBrokenYaml() throws Exception {
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "rules:\n  - id: x\n    abvoe: 3\n");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "rules: [\n");

    assertThatThrownBy(() -> RulesFile.load(typo)).hasMessageContaining("abvoe");
    assertThatThrownBy(() -> RulesFile.load(broken)).hasMessageContaining("broken.yaml");
  }
}
