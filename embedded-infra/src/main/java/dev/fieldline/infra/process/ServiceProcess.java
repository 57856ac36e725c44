package dev.fieldline.infra.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Fieldline service (edge agent, regional aggregator) in its own JVM on this JVM's classpath,
 * started with {@code run --set key=value ...} and its HTTP endpoint on a given loopback port, so
 * that fault tests can kill it with SIGKILL the way a machine failure would and start it again on
 * the same data.
 */
public final class ServiceProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int httpPort;

  private ServiceProcess(Process process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
  }

  /**
   * Starts {@code mainClass run} with each override as {@code --set}, plus {@code http.host} and
   * {@code http.port}; output goes to {@code log} (appended).
   */
  public static ServiceProcess start(
      Class<?> mainClass, String maxHeap, List<String> overrides, int httpPort, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.add("run");
    for (String override : overrides) {
      command.add("--set");
      command.add(override);
    }
    command.addAll(List.of("--set", "http.host=127.0.0.1", "--set", "http.port=" + httpPort));
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      // If this JVM ends without closing it (Ctrl-C, a failed run), the child must not outlive it.
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(process::destroyForcibly, "stop-" + mainClass.getSimpleName()));
      return new ServiceProcess(process, httpPort);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + mainClass.getSimpleName(), e);
    }
  }

  /** The body of {@code /health}, or empty when the service does not answer. */
  public String health() {
    HttpResponse<String> response = getHealth();
    return response == null ? "" : response.body();
  }

  /** The body of {@code /metrics} (Prometheus text), or empty when the service does not answer. */
  public String metrics() {
    HttpResponse<String> response = get("/metrics");
    return response == null ? "" : response.body();
  }

  /** True once {@code /health} answers 200 (ready). */
  public boolean isReady() {
    HttpResponse<String> response = getHealth();
    return response != null && response.statusCode() == 200;
  }

  private HttpResponse<String> getHealth() {
    return get("/health");
  }

  private HttpResponse<String> get(String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
              .timeout(Duration.ofSeconds(2))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no commit, no goodbye to any broker. */
  public void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  /** SIGTERM: the service shuts down gracefully. */
  public void stop() {
    process.destroy();
    if (!awaitExit()) {
      kill();
    }
  }

  private boolean awaitExit() {
    try {
      return process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }
}
