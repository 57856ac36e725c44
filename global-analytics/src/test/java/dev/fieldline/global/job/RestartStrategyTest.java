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
 * The job restarts with a backoff that resets after a quiet period: a fixed count of restarts over
 * its whole life once failed it for good at the eleventh TaskManager loss of a soak, minutes apart
 * ({@code cluster soak}), and a failure rate in the soak's burst of losses.
 */
class RestartStrategyTest {
  @Test
  void shouldBackOffAndNeverGiveUpByDefault() {
    Configuration flink =
        GlobalJob.configuration(
            GlobalAnalyticsApp.loader().load(Path.of("global.example.yaml"), Map.of(), List.of()));

    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(
            flink.get(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void shouldEndTheJobAfterTheRestartsInARowItIsGiven() {
    GlobalConfig config =
        GlobalAnalyticsApp.loader()
            .load(
                Path.of("global.example.yaml"),
                Map.of(),
                List.of("runtime.restart-attempts=4", "runtime.restart-interval=3m"));

    Configuration flink = GlobalJob.configuration(config);

    assertThat(flink.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(4);
    assertThat(
            flink.get(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
        .isEqualTo(Duration.ofMinutes(3));
  }
}
