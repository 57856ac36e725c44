package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecisionLatencyTest {
  @Test
  void shouldForgetSlowStartUpSecondsInTheRecentFigureButKeepThemInTheTotal() {
    DecisionLatency latency = new DecisionLatency();
    for (int i = 0; i < 50; i++) {
      latency.record(80_000); // start-up: 80 ms
    }
    latency.roll();
    for (int second = 0; second < DecisionLatency.RECENT_SECONDS; second++) {
      for (int i = 0; i < 100; i++) {
        latency.record(300);
      }
      latency.roll();
    }

    assertThat(latency.recent().getTotalCount()).isEqualTo(100L * DecisionLatency.RECENT_SECONDS);
    assertThat(latency.recent().getValueAtPercentile(99)).isBetween(299L, 301L);
    assertThat(latency.total().getTotalCount())
        .isEqualTo(50 + 100L * DecisionLatency.RECENT_SECONDS);
    assertThat(latency.total().getValueAtPercentile(99)).isGreaterThan(79_000L);
  }

  @Test
  void shouldKeepTheLastSecondsWithDecisionsWhileTheRunDrains() {
    DecisionLatency latency = new DecisionLatency();
    latency.record(2_000);
    latency.roll();
    for (int quiet = 0; quiet < 3 * DecisionLatency.RECENT_SECONDS; quiet++) {
      latency.roll();
    }

    assertThat(latency.recent().getTotalCount()).isEqualTo(1);
    assertThat(latency.recent().getMaxValue()).isBetween(1_999L, 2_001L);
  }
}
