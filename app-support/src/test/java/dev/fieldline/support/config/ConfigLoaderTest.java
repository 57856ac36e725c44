package dev.fieldline.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private final ConfigLoader<SampleConfig> loader = new ConfigLoader<>(SampleConfig.class, "APP_");

  @Test
  void shouldUseDefaultsWithoutFileOrOverrides() {
    SampleConfig config = loader.load(null, Map.of(), List.of());

    assertThat(config.getName()).isEqualTo("edge");
    assertThat(config.getWindows().getSize()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void shouldLayerFileThenEnvironmentThenOverrides() throws IOException {
    Path file =
        write(
            """
            name: from-file
            mode: strict
            windows:
              size: 2m
              grace: 500ms
            tags: [a, b]
            client:
              security.protocol: SSL
            secret:
              file: /run/secrets/key
            """);

    SampleConfig config =
        loader.load(
            file,
            Map.of("APP_WINDOWS_GRACE", "3s", "APP_NAME", "from-env"),
            List.of("name=from-override", "client.linger.ms=5"));

    assertThat(config.getName()).isEqualTo("from-override");
    assertThat(config.getMode()).isEqualTo(SampleConfig.Mode.STRICT);
    assertThat(config.getWindows().getSize()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.getWindows().getGrace()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.getTags()).containsExactly("a", "b");
    assertThat(config.getSecret().getFile()).isEqualTo("/run/secrets/key");
    assertThat(config.getSecret().isSet()).isTrue();
    assertThat(config.getClient())
        .containsEntry("security.protocol", "SSL")
        .containsEntry("linger.ms", "5");
  }

  @Test
  void shouldNameUnknownSettingAndItsSiblings() throws IOException {
    Path file = write("windows:\n  sise: 10s\n");

    assertThatThrownBy(() -> loader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'windows.sise'")
        .hasMessageContaining("windows.size");
  }

  @Test
  void shouldNameSettingWithWrongType() throws IOException {
    Path file = write("windows:\n  size: ten seconds\n");

    assertThatThrownBy(() -> loader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("windows.size")
        .hasMessageContaining("ten seconds");
  }

  @Test
  void shouldListEnumValuesWhenValueIsUnknown() {
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("mode=sloppy")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("setting 'mode'")
        .hasMessageContaining("lenient, strict");
  }

  @Test
  void shouldReportEveryValidationProblem() {
    assertThatThrownBy(
            () -> loader.load(null, Map.of(), List.of("windows.size=0s", "windows.grace=1h")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "windows.size: must be positive (got 0s)",
                        "windows.grace: must be at most windows.size (got 1h)"));
  }

  @Test
  void shouldRefuseMissingFileAndMalformedOverride() {
    assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml"), Map.of(), List.of()))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("name")))
        .hasMessageContaining("not key=value");
  }

  @Test
  void shouldDocumentEveryKeyInDefaults() {
    assertThat(loader.keys()).contains("name", "mode", "windows.size", "windows.grace", "client");
    assertThat(loader.defaultsAsYaml()).contains("size: 10s");
    assertThat(loader.envName("windows.grace")).isEqualTo("APP_WINDOWS_GRACE");
    assertThat(loader.describe())
        .contains("size: 10s")
        .contains("APP_WINDOWS_GRACE -> windows.grace");
  }

  @Test
  void shouldParseHumanDurations() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration");
  }

  @Test
  void shouldResolveSecretsWithoutShowingThem(@TempDir Path secrets) throws IOException {
    Path file = Files.writeString(secrets.resolve("key"), "hunter2\n");

    assertThat(SecretRef.fromFile(file).resolve("residency.secret")).isEqualTo("hunter2");
    assertThat(SecretRef.fromEnv("K").resolve("x", Map.of("K", "v"))).isEqualTo("v");
    assertThat(SecretRef.fromFile(file).toString()).doesNotContain("hunter2");
    assertThatThrownBy(() -> SecretRef.fromEnv("MISSING").resolve("x.secret", Map.of()))
        .hasMessageContaining("x.secret.env")
        .hasMessageContaining("MISSING");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("config.yaml"), yaml);
  }

  /** A config shaped like the services' ones. */
  @Test
  void shouldTakeASecretReferenceInItsShortForm() {
    SampleConfig config = loader.load(null, Map.of(), List.of("secret=file:/run/secrets/token"));

    assertThat(config.getSecret().getFile()).isEqualTo("/run/secrets/token");
    assertThat(loader.load(null, Map.of(), List.of("secret=env:TOKEN")).getSecret().getEnv())
        .isEqualTo("TOKEN");
  }

  @Test
  void shouldRefuseASecretValueWithoutRepeatingIt() {
    assertThatThrownBy(() -> loader.load(null, Map.of(), List.of("secret=hunter2-value")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("env:VARIABLE or file:PATH")
        .hasMessageNotContaining("hunter2-value");
  }

  public static class SampleConfig implements Validated {
    public enum Mode {
      LENIENT,
      STRICT
    }

    private String name = "edge";
    private Mode mode = Mode.LENIENT;
    private Windows windows = new Windows();
    private List<String> tags = new ArrayList<>();
    private Map<String, String> client = new LinkedHashMap<>();
    private SecretRef secret = new SecretRef();

    public SecretRef getSecret() {
      return secret;
    }

    public void setSecret(SecretRef secret) {
      this.secret = secret;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public Mode getMode() {
      return mode;
    }

    public void setMode(Mode mode) {
      this.mode = mode;
    }

    public Windows getWindows() {
      return windows;
    }

    public void setWindows(Windows windows) {
      this.windows = windows;
    }

    public List<String> getTags() {
      return tags;
    }

    public void setTags(List<String> tags) {
      this.tags = tags;
    }

    public Map<String, String> getClient() {
      return client;
    }

    public void setClient(Map<String, String> client) {
      this.client = client;
    }

    @Override
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      if (windows.size.isZero() || windows.size.isNegative()) {
        problems.add("windows.size: must be positive (got " + Durations.format(windows.size) + ")");
      }
      if (windows.grace.compareTo(windows.size) > 0) {
        problems.add(
            "windows.grace: must be at most windows.size (got "
                + Durations.format(windows.grace)
                + ")");
      }
      return problems;
    }

    public static class Windows {
      private Duration size = Duration.ofSeconds(10);
      private Duration grace = Duration.ofSeconds(1);

      public Duration getSize() {
        return size;
      }

      public void setSize(Duration size) {
        this.size = size;
      }

      public Duration getGrace() {
        return grace;
      }

      public void setGrace(Duration grace) {
        this.grace = grace;
      }
    }
  }
}
