package dev.fieldline.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Resident memory and CPU of processes, from Linux's {@code /proc}. */
final class ProcessStats {
  private static final double CLOCK_TICKS = 100.0; // USER_HZ on Linux

  private ProcessStats() {}

  /** Resident set size in MB, or -1 when the process is gone. */
  static long rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** CPU seconds used so far (user + system), or -1 when the process is gone. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name may hold spaces: fields are counted after its closing parenthesis.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Each process's CPU use in percent of one core over {@code millis}. */
  static Map<Long, Double> cpuPercent(List<Long> pids, long millis) throws InterruptedException {
    Map<Long, Double> before = new HashMap<>();
    pids.forEach(pid -> before.put(pid, cpuSeconds(pid)));
    Thread.sleep(millis);
    Map<Long, Double> percent = new HashMap<>();
    for (long pid : pids) {
      double after = cpuSeconds(pid);
      percent.put(pid, after < 0 ? -1 : (after - before.get(pid)) * 100_000.0 / millis);
    }
    return percent;
  }
}
