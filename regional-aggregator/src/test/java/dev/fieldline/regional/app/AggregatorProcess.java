package dev.fieldline.regional.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A regional aggregator in its own JVM, started from the test classpath, so that a test can kill it
 * abruptly ({@code SIGKILL}) the way a machine failure would.
 */
final class AggregatorProcess implements AutoCloseable {
  private final Process process;
  private final int httpPort;

  private AggregatorProcess(Process process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
  }

  static AggregatorProcess start(List<String> overrides, int httpPort, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RegionalAggregatorApp.class.getName());
    command.add("run");
    for (String override : overrides) {
      command.add("--set");
      command.add(override);
    }
    command.add("--set");
    command.add("http.port=" + httpPort);
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new AggregatorProcess(process, httpPort);
  }

  /** True once the instance answers /health with 200 (Kafka Streams running). */
  boolean isRunning() {
    try {
      return health().statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The instance's /health answer. */
  HttpResponse<String> health() throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
