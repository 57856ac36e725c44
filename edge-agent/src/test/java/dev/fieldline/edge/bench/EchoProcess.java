package dev.fieldline.edge.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The echo floor as the agent runs: a JVM of its own with the agent's {@code jvm.options} (C1 only,
 * a 64 MB serial-collected heap), on the agent's class path. The in-process echo shares the
 * benchmark's JVM (C2-compiled Paho, a 1 GB heap, the publisher's and subscriber's threads), a
 * floor no separately deployed client reaches; this one differs from the agent only by the work the
 * agent does.
 */
final class EchoProcess implements AutoCloseable {
  static final String NAME = "echo-jvm";

  private final Process process;

  EchoProcess(String brokerUri, Path log) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Path options = Path.of("edge-agent", "jvm.options").toAbsolutePath();
    if (Files.exists(options)) {
      command.add("@" + options);
    }
    command.addAll(EdgeLatencyBenchmark.jvmOptionsFrom("BENCH_ECHO_JAVA_OPTS"));
    String testClasses =
        Path.of("edge-agent", "target", "test-classes").toAbsolutePath().toString();
    command.addAll(
        List.of(
            "-cp",
            EdgeLatencyBenchmark.agentClasspath() + java.io.File.pathSeparator + testClasses,
            EchoClient.class.getName(),
            brokerUri,
            NAME));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    process = builder.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    do {
      line = out.readLine(); // an attached profiler may print first
    } while (line != null && !line.equals("ready"));
    if (line == null) {
      process.destroyForcibly();
      throw new IllegalStateException("the echo process did not start (see " + log + ")");
    }
  }

  long pid() {
    return process.pid();
  }

  /** Topic the echo reads. */
  static String in() {
    return EchoClient.in(NAME);
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
