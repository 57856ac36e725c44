package dev.fieldline.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The built jars the cluster runs, as a deployment installs them: the edge agent's, the regional
 * aggregator's and the simulator's shaded jars, the global job's job jar; with the files shipped
 * beside them (the agent's {@code jvm.options}, the alert rules).
 */
record Artifacts(Path home) {
  Path edgeAgent() {
    return jar("edge-agent", "-all.jar");
  }

  Path aggregator() {
    return jar("regional-aggregator", "-all.jar");
  }

  Path simulator() {
    return jar("device-simulator", "-all.jar");
  }

  Path globalJob() {
    return jar("global-analytics", "-job.jar");
  }

  Path edgeJvmOptions() {
    return file("edge-agent/jvm.options");
  }

  /** The example rules shipped with the agent. */
  Path edgeRules() {
    return file("edge-agent/rules.example.yaml");
  }

  Path alertRules() {
    return file("deploy/compose/alerts.yml");
  }

  private Path file(String relative) {
    Path file = home.resolve(relative).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: is " + home + " a Fieldline checkout?");
    }
    return file;
  }

  private Path jar(String module, String suffix) {
    Path target = home.resolve(module).resolve("target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("fieldline-" + module))
          .filter(f -> f.getFileName().toString().endsWith(suffix))
          .findFirst()
          .map(f -> f.toAbsolutePath().normalize())
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no *"
                          + suffix
                          + " in "
                          + target
                          + ": build it first (./mvnw -DskipTests package)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
