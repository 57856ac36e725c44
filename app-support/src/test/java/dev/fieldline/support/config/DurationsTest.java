package dev.fieldline.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void shouldReadEveryWrittenForm() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse(" 10S ")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("1h2m3s4ms")).isEqualTo(Duration.parse("PT1H2M3.004S"));
    assertThat(Durations.parse("PT10S")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void shouldRefuseWhatIsNotADuration() {
    assertThatThrownBy(() -> Durations.parse("ten seconds"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> Durations.parse("10")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Durations.parse("m5")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldWriteTheShortestExactForm() {
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
  }
}
