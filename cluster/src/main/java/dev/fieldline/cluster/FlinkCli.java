package dev.fieldline.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flink's own command line ({@code org.apache.flink.client.cli.CliFrontend}, the code behind {@code
 * flink run} and {@code flink stop}) against the session: each call is a JVM of its own with {@code
 * FLINK_CONF_DIR}, as an operator's shell would run it, its output kept in {@code cli.log}.
 */
final class FlinkCli {
  private static final Pattern SUBMITTED =
      Pattern.compile("Job has been submitted with JobID ([0-9a-f]{32})");
  private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

  private final Path configDir;
  private final Path log;

  FlinkCli(Path configDir, Path log) {
    this.configDir = configDir;
    this.log = log;
  }

  /**
   * {@code flink run -d -p <parallelism> [-s <savepoint>] -c <main> <jar> <args>}: the job's id.
   */
  String run(Path jar, String mainClass, int parallelism, String savepoint, List<String> args)
      throws IOException, InterruptedException {
    List<String> cli = new ArrayList<>(List.of("run", "-d", "-p", Integer.toString(parallelism)));
    if (savepoint != null) {
      cli.addAll(List.of("-s", savepoint));
    }
    cli.addAll(List.of("-c", mainClass, jar.toString()));
    cli.addAll(args);
    return find(SUBMITTED, call(cli), "run");
  }

  /** {@code flink stop --savepointPath <dir> <job>}: drains, commits, stops; the savepoint. */
  String stop(String jobId, Path savepoints) throws IOException, InterruptedException {
    return find(
        SAVEPOINT,
        call(List.of("stop", "--savepointPath", savepoints.toUri().toString(), jobId)),
        "stop");
  }

  private String call(List<String> arguments) throws IOException, InterruptedException {
    List<String> options = new ArrayList<>(List.of("-Xmx256m"));
    options.addAll(ClassPaths.flinkOpens());
    options.add("-Dlog4j2.configurationFile=" + configDir.resolve("log4j.properties"));
    List<String> command =
        Launch.java(options, "-cp", ClassPaths.flink(), "org.apache.flink.client.cli.CliFrontend");
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("FLINK_CONF_DIR", configDir.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.writeString(
        log,
        "$ flink " + String.join(" ", arguments) + "\n" + output + "\n",
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    return output;
  }

  private String find(Pattern pattern, String output, String what) {
    Matcher matcher = pattern.matcher(output);
    if (!matcher.find()) {
      throw new IllegalStateException("flink " + what + " failed; see " + log);
    }
    return matcher.group(1);
  }
}
