package dev.fieldline.global.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.global.app.GlobalAnalyticsApp;
import dev.fieldline.global.config.GlobalConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

/**
 * The job restarts by failure rate: a fixed count of restarts over its whole life once failed it
 * for good at the eleventh TaskManager loss of a soak, minutes apart ({@code cluster soak}).
 */
class RestartStrategyTest {
  @Test
  void shouldLimitRestartsPerIntervalNotOverTheJobsLife() {
    GlobalConfig config =
        GlobalAnalyticsApp.loader()
            .load(
                Path.of("global.example.yaml"),
                Map.of(),
                List.of("runtime.restart-attempts=4", "runtime.restart-interval=3m"));

    Configuration flink = GlobalJob.configuration(config);

    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("failure-rate");
    assertThat(
            flink.get(
                RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL))
        .isEqualTo(4);
    assertThat(
            flink.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL))
        .isEqualTo(Duration.ofMinutes(3));
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY))
        .isEqualTo(Duration.ofSeconds(5));
  }
}
