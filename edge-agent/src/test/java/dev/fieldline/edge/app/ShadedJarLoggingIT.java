package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as the systemd unit and the image run it (its shaded jar) logs with Fieldline's Log4j
 * configuration: the shade plugin used to keep only one of the dependencies' Log4j plugin caches,
 * and without log4j-core's the shaded agent found no configuration and logged errors only.
 */
class ShadedJarLoggingIT {
  @TempDir Path dir;

  @Test
  void shadedAgentLogsItsStartAtInfo() throws Exception {
    assertThat(startOutput(Map.of()))
        .as("the agent's output")
        .noneMatch(line -> line.contains("No Log4j 2 configuration file found"))
        .anyMatch(line -> line.matches(".* INFO .*EdgeAgent - edge agent shaded started.*"));
  }

  @Test
  void shadedAgentLogsJsonLinesWhenAskedTo() throws Exception {
    List<String> lines = startOutput(Map.of("FIELDLINE_LOG_FORMAT", "json"));

    assertThat(lines).as("the agent's output").isNotEmpty();
    ObjectMapper json = new ObjectMapper();
    JsonNode started = json.readTree(lines.get(lines.size() - 1));
    assertThat(started.path("level").asText()).isEqualTo("INFO");
    assertThat(started.path("logger").asText()).endsWith("EdgeAgent");
    assertThat(started.path("message").asText()).startsWith("edge agent shaded started");
    assertThat(started.path("@timestamp").asText()).isNotEmpty();
    for (String line : lines) {
      if (line.startsWith("{")) {
        assertThat(json.readTree(line).isObject())
            .as("one JSON object per line: %s", line)
            .isTrue();
      }
    }
  }

  /** The agent's output from its start to the line that says it started (or 30 s). */
  private List<String> startOutput(Map<String, String> environment) throws Exception {
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar =
          files
              .filter(f -> f.getFileName().toString().endsWith("-all.jar"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no shaded jar in target/ (mvn package)"));
    }
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            jar.toString(),
            EdgeAgentApp.class.getName(),
            "run",
            "--set",
            "gateway-id=shaded",
            "--set",
            "data-dir=" + dir.resolve("data"),
            "--set",
            "mqtt.server-uri=tcp://127.0.0.1:1", // nothing listens: the agent keeps retrying
            "--set",
            "http.host=127.0.0.1",
            "--set",
            "http.port=0");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("FIELDLINE_LOG_FORMAT");
    builder.environment().putAll(environment);
    Process agent = builder.start();
    // Its output ends when it is stopped: after 30 s at most, if the expected line never comes.
    CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS).execute(agent::destroy);
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.contains("edge agent shaded started")) {
          break;
        }
      }
    } finally {
      agent.destroy();
      if (!agent.waitFor(20, TimeUnit.SECONDS)) {
        agent.destroyForcibly().waitFor();
      }
    }
    return lines;
  }
}
