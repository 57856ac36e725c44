package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus alert rules of the compose stack are valid and behave as their unit tests ({@code
 * deploy/compose/alerts.test.yml}: series in, alerts out) say, checked by Prometheus's own {@code
 * promtool} (Debian's prometheus package).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AlertRulesTest {
  private static final Path COMPOSE = Path.of("..", "deploy", "compose");
  private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  @BeforeAll
  static void promtoolInstalled() {
    assumeTrue(
        Files.isExecutable(PROMTOOL),
        "SKIPPED: promtool is not installed (apt-get install prometheus); .ci/run installs it");
  }

  @Test
  void shouldFindEveryAlertRuleValid() throws Exception {
    String out = promtool("check", "rules", "alerts.yml");

    assertThat(out).contains("SUCCESS");
  }

  @Test
  void shouldPassTheAlertRulesUnitTests() throws Exception {
    String out = promtool("test", "rules", "alerts.test.yml");

    assertThat(out).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void shouldFindThePrometheusConfigOfTheStackValid(@TempDir Path dir) throws Exception {
    // The compose file mounts the rules at /etc/prometheus/alerts.yml; here they are where they
    // are in the repository.
    String config =
        Files.readString(COMPOSE.resolve("prometheus.yml"))
            .replace(
                "/etc/prometheus/alerts.yml",
                COMPOSE.resolve("alerts.yml").toAbsolutePath().toString());
    assertThat(config).doesNotContain("/etc/prometheus/");
    Path file = Files.writeString(dir.resolve("prometheus.yml"), config);

    String out = promtool("check", "config", file.toString());

    long rules =
        java.util.regex.Pattern.compile("- alert: ")
            .matcher(Files.readString(COMPOSE.resolve("alerts.yml")))
            .results()
            .count();
    assertThat(out).contains("SUCCESS").contains(rules + " rules found");
  }

  @Test
  void shouldHaveAUnitTestForEveryAlertRule() throws IOException {
    String rules = Files.readString(COMPOSE.resolve("alerts.yml"));
    String tests = Files.readString(COMPOSE.resolve("alerts.test.yml"));

    var alerts = java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(rules).results();
    alerts.forEach(
        alert ->
            assertThat(tests)
                .as("alerts.test.yml tests %s", alert.group(1))
                .contains("alertname: " + alert.group(1)));
  }

  private static String promtool(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = PROMTOOL.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    Process process =
        new ProcessBuilder(command).directory(COMPOSE.toFile()).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }
}
