package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrainTest {
  private static final long S = 1_000_000_000L;

  private static Reconciliation rollUp(long regional) {
    Reconciliation r = new Reconciliation();
    r.add("us-east", "devices -> edge", "readings sent", 100, "edge received+missing", 100);
    r.add(
        "us-east",
        "region roll-up",
        "readings in summaries",
        49_090,
        "readings in regional",
        regional);
    return r;
  }

  private static String printed(Reconciliation r, Drain drain, long now) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    r.print(new PrintStream(buffer, true, StandardCharsets.UTF_8), drain.behind(r, now));
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldGoOnWhileATierCatchesUpAndStopWhenEveryRowBalances() {
    Drain drain = new Drain(Duration.ofSeconds(30), Duration.ofMinutes(10), 0);
    long regional = 40_000;
    long now = 0;
    drain.observe(rollUp(regional), now);
    while (drain.goesOn(rollUp(regional), now)) {
      now += S;
      regional = Math.min(49_090, regional + 1_000);
      drain.observe(rollUp(regional), now);
    }

    assertThat(rollUp(regional).balances()).isTrue();
    assertThat(now).as("longer than a fixed 5 s would have allowed").isGreaterThan(5 * S);
  }

  @Test
  void shouldStopWhenNothingMovesAndCallTheRowAMismatch() {
    Drain drain = new Drain(Duration.ofSeconds(30), Duration.ofMinutes(10), 0);
    Reconciliation stuck = rollUp(44_620);
    long now = 0;
    drain.observe(stuck, now);
    while (drain.goesOn(stuck, now)) {
      now += S;
      drain.observe(stuck, now);
    }

    assertThat(now).isEqualTo(30 * S);
    assertThat(printed(stuck, drain, now))
        .contains("MISMATCH")
        .contains("RECONCILIATION FAILED")
        .doesNotContain("BEHIND");
  }

  @Test
  void shouldCallARowStillMovingAtTheLimitBehindNotAMismatch() {
    Drain drain = new Drain(Duration.ofSeconds(30), Duration.ofSeconds(20), 0);
    long regional = 40_000;
    long now = 0;
    drain.observe(rollUp(regional), now);
    while (drain.goesOn(rollUp(regional), now)) {
      now += S;
      regional += 100;
      drain.observe(rollUp(regional), now);
    }
    Reconciliation last = rollUp(regional);

    assertThat(now).isEqualTo(20 * S);
    assertThat(drain.backlog(last, now)).contains("region roll-up").contains("7,090 behind");
    assertThat(printed(last, drain, now))
        .contains("BEHIND")
        .contains("RECONCILIATION INCOMPLETE")
        .doesNotContain("MISMATCH");
  }
}
