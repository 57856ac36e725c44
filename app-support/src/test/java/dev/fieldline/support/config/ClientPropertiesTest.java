package dev.fieldline.support.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientPropertiesTest {
  @Test
  void shouldRefuseASecretWrittenIntoThePlainProperties() {
    var problems =
        ClientProperties.problems(
            "uplink",
            Map.of("security.protocol", "SSL", "ssl.keystore.password", "hunter2"),
            Map.of());

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0))
        .contains("uplink.client.ssl.keystore.password")
        .contains("client-secrets")
        .doesNotContain("hunter2");
  }

  @Test
  void shouldReadSecretsFromTheEnvironmentAndFiles(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("truststore.password");
    Files.writeString(file, "from-file\n");

    Map<String, Object> properties =
        ClientProperties.resolve(
            "kafka",
            Map.of("security.protocol", "SSL"),
            Map.of(
                "ssl.keystore.password", SecretRef.fromEnv("KS_PASS"),
                "ssl.truststore.password", SecretRef.fromFile(file)),
            Map.of("KS_PASS", "from-env"));

    assertThat(properties)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.password", "from-env")
        .containsEntry("ssl.truststore.password", "from-file");
  }

  @Test
  void shouldNameTheSettingButNeverTheValueWhenASecretIsMissing() {
    assertThatThrownBy(
            () ->
                ClientProperties.resolve(
                    "kafka",
                    Map.of(),
                    Map.of("ssl.key.password", SecretRef.fromEnv("MISSING_VAR")),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.client-secrets.ssl.key.password")
        .hasMessageContaining("MISSING_VAR");
  }

  @Test
  void shouldTellSecretsFromPlainProperties() {
    assertThat(ClientProperties.isSecret("ssl.key.password")).isTrue();
    assertThat(ClientProperties.isSecret("ssl.keystore.key")).isTrue();
    assertThat(ClientProperties.isSecret("sasl.jaas.config")).isTrue();
    assertThat(ClientProperties.isSecret("ssl.keystore.location")).isFalse();
    assertThat(ClientProperties.isSecret("security.protocol")).isFalse();
  }
}
