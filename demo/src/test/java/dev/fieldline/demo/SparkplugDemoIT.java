package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.edge.sparkplug.SparkplugOutcome;
import dev.fieldline.simulator.PayloadFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code ./fieldline demo --format sparkplug}: every site is a Sparkplug B edge node, the edge
 * agents are their host application, and the run reconciles as the JSON one does: every row
 * balances, nothing is missing, the spoiled Sparkplug messages are rejected, the device types the
 * births name reach the rules and the global features, and the features come back to the edges.
 */
class SparkplugDemoIT {
  @Test
  void shouldBalanceEveryRowWithSparkplugDevices() throws Exception {
    DemoSettings settings =
        DemoIT.run(Duration.ofSeconds(20), false, 0).withFormat(PayloadFormat.SPARKPLUG);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    try (Demo demo = new Demo(settings, new Console(out, false, "test log"))) {
      boolean balanced = demo.run(out);
      String printed = buffer.toString(StandardCharsets.UTF_8);

      assertThat(balanced).as(printed).isTrue();
      assertThat(printed).contains("every row balances").doesNotContain("MISMATCH");
      for (RegionStack stack : demo.stacks().values()) {
        var counters = stack.edge.counters();
        assertThat(stack.simulator.ledger().readings()).isGreaterThan(1_500);
        assertThat(counters.missing.sum()).as("missing in %s", stack.region).isZero();
        assertThat(counters.sparkplug(SparkplugOutcome.Kind.BIRTH))
            .as("births in %s: a node and its devices per site", stack.region)
            .isGreaterThanOrEqualTo(settings.devicesPerRegion() + 1);
        assertThat(counters.sparkplug(SparkplugOutcome.Kind.DATA)).isPositive();
        assertThat(counters.rejected(RejectReason.MALFORMED))
            .as("spoiled Sparkplug messages in %s", stack.region)
            .isEqualTo(stack.simulator.ledger().malformed())
            .isPositive();
        assertThat(demo.quality(stack.region).decisions)
            .as("the rules of the births' device types fired in %s", stack.region)
            .isPositive();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(stack.edge.features().all())
                        .as("feature updates reached the edge in %s", stack.region)
                        .containsKeys("chiller/temperature", "pump/vibration"));
      }
    }
  }
}
