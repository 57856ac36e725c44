package dev.fieldline.edge.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far (user and system, all its threads), from Linux's {@code
 * /proc/<pid>/stat}: what an agent spends per reading against the echo at the same rate, the
 * mechanism behind their latency on a machine whose cores the broker and the load share.
 */
final class ProcessCpu {
  /** Clock ticks per second of {@code /proc}'s figures (USER_HZ, 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** CPU seconds used by process {@code pid}, or -1 where {@code /proc} is not there. */
  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long userTicks = Long.parseLong(fields[11]); // field 14
      long systemTicks = Long.parseLong(fields[12]); // field 15
      return (userTicks + systemTicks) / TICKS_PER_SECOND;
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Microseconds of CPU per reading between two readings of {@link #seconds}. */
  static double microsPerReading(double before, double after, long readings) {
    return before < 0 || after < 0 || readings == 0 ? -1 : (after - before) * 1e6 / readings;
  }
}
