package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The chaos run takes its load from the options and refuses the ones it does not use. */
class DemoAppTest {
  private static DemoApp parsed(String... args) {
    DemoApp app = new DemoApp();
    new CommandLine(app).parseArgs(args);
    return app;
  }

  @Test
  void shouldTakeDevicesRateAndRegionsForAChaosRun() {
    ChaosSettings settings =
        parsed("--chaos", "--devices", "30", "--rate", "150", "--regions", "ap-south,eu-west")
            .chaosSettings();

    assertThat(settings.devicesPerRegion()).isEqualTo(30);
    assertThat(settings.ratePerRegion()).isEqualTo(150);
    assertThat(settings.faultedRegion()).isEqualTo("ap-south");
    assertThat(settings.steadyRegion()).isEqualTo("eu-west");
    assertThat(settings.kafkaOutage()).isEqualTo(ChaosSettings.defaults().kafkaOutage());
  }

  @Test
  void shouldRepeatTheFaultsToFillTheDurationGiven() {
    assertThat(parsed("--chaos", "--duration", "20m").chaosSettings().duration())
        .isEqualTo(java.time.Duration.ofMinutes(20));
    assertThat(parsed("--chaos").chaosSettings().duration()).as("the schedule once").isZero();
  }

  @Test
  void shouldKeepTheChaosRunsOwnLoadWhenNoneIsGiven() {
    assertThat(parsed("--chaos").chaosSettings()).isEqualTo(ChaosSettings.defaults());
  }

  @Test
  void shouldRefuseOptionsAChaosRunDoesNotUse() {
    assertThatThrownBy(() -> parsed("--chaos", "--web-port", "8080", "--secure").chaosSettings())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--web-port")
        .hasMessageContaining("--secure")
        .hasMessageContaining("do not apply to a chaos run");
  }

  @Test
  void shouldRefuseAnythingButTwoRegions() {
    assertThatThrownBy(() -> parsed("--chaos", "--regions", "eu-west").chaosSettings())
        .hasMessageContaining("two regions");
  }

  @Test
  void shouldRefuseABadOptionWithExitCodeTwoBeforeStartingAnything() {
    int exit = new CommandLine(new DemoApp()).execute("--chaos", "--trace-ratio", "0.5");

    assertThat(exit).isEqualTo(2);
  }

  @Test
  void shouldRefuseAnUnknownFormatAndSparkplugUnderSecureBeforeStartingAnything() {
    assertThat(new CommandLine(new DemoApp()).execute("--format", "opc-ua")).isEqualTo(2);
    assertThat(new CommandLine(new DemoApp()).execute("--format", "sparkplug", "--secure"))
        .isEqualTo(2);
    assertThat(new CommandLine(new DemoApp()).execute("--chaos", "--format", "sparkplug"))
        .as("a chaos run publishes Fieldline's JSON")
        .isEqualTo(2);
  }
}
