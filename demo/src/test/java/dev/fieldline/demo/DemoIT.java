package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.core.RejectReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo, shortened, as the test suite runs it: two regions end to end, every reconciliation row
 * balanced, every kind of bad input rejected, and the global job's features applied by both edges.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DemoIT {
  /** Two regions, 24 devices each at 200 messages/s for 20 s, with short windows. */
  static DemoSettings twentySecondRun(boolean secure) {
    return twentySecondRun(secure, 0);
  }

  /** The same, with a share of readings traced. */
  static DemoSettings twentySecondRun(boolean secure, double traceRatio) {
    return new DemoSettings(
        List.of("eu-west", "us-east"),
        Duration.ofSeconds(20),
        24,
        200,
        0.02,
        0.02,
        "5s",
        "10s",
        Duration.ofSeconds(1),
        Duration.ofSeconds(90),
        secure,
        traceRatio);
  }

  @Test
  void shouldBalanceEveryRowAndCloseTheLoop() throws Exception {
    DemoSettings settings = twentySecondRun(false);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    boolean balanced;
    try (Demo demo = new Demo(settings, new Console(out, false, "test log"))) {
      balanced = demo.run(out);
      String printed = buffer.toString(StandardCharsets.UTF_8);

      assertThat(balanced).as(printed).isTrue();
      assertThat(printed).contains("every row balances").doesNotContain("MISMATCH");
      assertThat(printed).contains("edge received+missing").contains("nothing missing");
      assertThat(printed).contains("anomaly detection in eu-west");
      // Anomaly rules against the simulator's episodes, both regions together. Measured on the
      // 20-second run: recall 35-41 %, precision 67-76 %. Most episodes here are 20-sigma spikes
      // every ten seconds or so per metric; after its 100-reading warm-up the detector catches the
      // first ones, and the likelihood learns the later ones as normal (it judges errors against
      // their own history). The floors leave room for a run's variance, not for a regression.
      List<DetectionQuality> quality = demo.stacks().keySet().stream().map(demo::quality).toList();
      int episodes = quality.stream().mapToInt(DetectionQuality::episodes).sum();
      int detected = quality.stream().mapToInt(DetectionQuality::detected).sum();
      int decisions = quality.stream().mapToInt(q -> q.decisions).sum();
      int explained = quality.stream().mapToInt(q -> q.explained).sum();
      assertThat(episodes).as("episodes after the warm-up").isGreaterThan(20);
      assertThat(detected / (double) episodes).as("recall").isGreaterThanOrEqualTo(0.2);
      assertThat(explained / (double) decisions).as("precision").isGreaterThanOrEqualTo(0.5);
      for (RegionStack stack : demo.stacks().values()) {
        assertThat(stack.simulator.ledger().readings()).isGreaterThan(3_000);
        assertThat(stack.edge.counters().missing.sum()).as("missing in %s", stack.region).isZero();
        // Residency: what leaves an eu-* region names its sites only by pseudonym.
        if (RegionStack.euStyle(stack.region)) {
          Set<String> inside = demo.watches().get(stack.region).ownSites;
          assertThat(inside).isNotEmpty();
          for (PipelineWatch other : demo.watches().values()) {
            if (!other.region.equals(stack.region)) {
              assertThat(other.sitesByOrigin.get(stack.region))
                  .as("%s's global view of %s", other.region, stack.region)
                  .hasSameSizeAs(inside)
                  .doesNotContainAnyElementsOf(inside)
                  .allMatch(site -> site.startsWith("ps-"));
            }
          }
        }
        for (RejectReason reason :
            List.of(RejectReason.MALFORMED, RejectReason.NOT_FINITE, RejectReason.UNKNOWN_SCHEMA)) {
          assertThat(stack.edge.counters().rejected(reason))
              .as("%s in %s", reason, stack.region)
              .isPositive();
        }
        // Features follow the global roll-ups, which close after the regional windows: they may
        // still be on their way when the counts already balance.
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(stack.edge.features().all())
                        .as(
                            "feature updates from the global job reached the edge in %s",
                            stack.region)
                        .containsKeys("chiller/temperature", "pump/vibration"));
      }
    }
  }
}
