package dev.fieldline.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops the cluster's processes. They are not children to be cleaned up with this JVM:
 * {@code cluster up} returns and leaves them running, and {@code down} (from any process) ends them
 * by the PIDs it recorded, never by name.
 */
final class Launch {
  private Launch() {}

  /** Starts {@code process.command()} with its environment, output appended to its log. */
  static ManagedProcess start(ManagedProcess process) {
    try {
      Path log = Path.of(process.log());
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(process.command())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(process.environment());
      return process.withPid(builder.start().pid());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + process.name(), e);
    }
  }

  /** A Java command: this JVM's {@code java}, the options, then the rest. */
  static List<String> java(List<String> options, String... rest) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(List.of(rest));
    return command;
  }

  /**
   * Ends the process: SIGTERM and up to {@code grace} seconds to finish, or SIGKILL at once when
   * {@code abrupt} (a machine failure). Returns once it is gone.
   */
  static void stop(ManagedProcess process, boolean abrupt, int grace) {
    ProcessHandle.of(process.pid())
        .ifPresent(
            handle -> {
              if (abrupt) {
                handle.destroyForcibly();
              } else {
                handle.destroy();
              }
              try {
                handle.onExit().get(abrupt ? 30 : grace, TimeUnit.SECONDS);
              } catch (Exception e) {
                handle.destroyForcibly();
                handle.onExit().join();
              }
            });
  }

  /**
   * Log4j 2 properties for a server this module starts: INFO to its output (appended to its log),
   * the named loggers at WARN.
   */
  static String serverLogging(String... quiet) {
    StringBuilder properties =
        new StringBuilder(
            String.join(
                "\n",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.out.ref = out",
                "appender.out.type = Console",
                "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1} - %m%n",
                ""));
    for (int i = 0; i < quiet.length; i++) {
      properties.append("logger.quiet").append(i).append(".name = ").append(quiet[i]).append('\n');
      properties.append("logger.quiet").append(i).append(".level = WARN\n");
    }
    return properties.toString();
  }
}
