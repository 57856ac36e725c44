package dev.fieldline.edge.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JDK Flight Recording of the agent's JVM (default settings: allocation samples and GC events),
 * started and stopped with {@code jcmd} around a phase of its own, so that the latency and RSS
 * measured before it are those of the agent as shipped (a recording's buffers and classes add
 * megabytes of RSS); read back afterwards: the allocation rate and the longest GC pause within the
 * phase, and where the allocations come from.
 */
final class AgentRecording {
  private static final String NAME = "bench";

  /** The young-generation collectors' names in flight recordings; any other is a full one. */
  private static final Set<String> YOUNG_COLLECTORS =
      Set.of("DefNew", "ParallelScavenge", "G1New", "ZGC Minor", "Shenandoah");

  private final Path file;

  AgentRecording(Path file) {
    this.file = file;
  }

  /** Starts recording in the running JVM {@code pid}. */
  void start(long pid) throws IOException, InterruptedException {
    jcmd(pid, "JFR.start", "name=" + NAME, "settings=default", "filename=" + file);
  }

  /** Stops the recording and writes it to {@link #file}. */
  void stop(long pid) throws IOException, InterruptedException {
    jcmd(pid, "JFR.stop", "name=" + NAME);
  }

  private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    line.add(Long.toString(pid));
    line.addAll(List.of(command));
    Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes());
    if (jcmd.waitFor() != 0) {
      throw new IOException(String.join(" ", line) + " failed: " + output.strip());
    }
  }

  /** What the recording says about {@code from..to}. */
  Summary summarize(Instant from, Instant to, int topSites) throws IOException {
    long sampledBytes = 0;
    Duration longestPause = Duration.ZERO;
    int fullCollections = 0;
    Map<String, Long> bySite = new HashMap<>();
    for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
      Instant at = event.getStartTime();
      if (at.isBefore(from) || at.isAfter(to)) {
        continue;
      }
      switch (event.getEventType().getName()) {
        case "jdk.ObjectAllocationSample" -> {
          long weight = event.getLong("weight");
          sampledBytes += weight;
          bySite.merge(site(event.getStackTrace()), weight, Long::sum);
        }
        case "jdk.GarbageCollection" -> {
          Duration pause = event.getDuration("longestPause");
          String collector = event.getString("name");
          if (!YOUNG_COLLECTORS.contains(collector)) {
            fullCollections++;
          }
          if (pause.compareTo(longestPause) > 0) {
            longestPause = pause;
          }
        }
        default -> {}
      }
    }
    double seconds = Math.max(1e-3, Duration.between(from, to).toNanos() / 1e9);
    List<Map.Entry<String, Long>> top =
        bySite.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(topSites)
            .toList();
    return new Summary(
        sampledBytes / seconds / (1024 * 1024), longestPause, fullCollections, top, sampledBytes);
  }

  /** The first frame outside the JDK's own collections and strings: where the garbage is made. */
  private static String site(RecordedStackTrace stack) {
    if (stack == null) {
      return "(no stack)";
    }
    for (RecordedFrame frame : stack.getFrames()) {
      String type = frame.getMethod().getType().getName();
      if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
        return type + "." + frame.getMethod().getName() + ":" + frame.getLineNumber();
      }
    }
    RecordedFrame first = stack.getFrames().isEmpty() ? null : stack.getFrames().get(0);
    return first == null
        ? "(empty stack)"
        : first.getMethod().getType().getName() + "." + first.getMethod().getName();
  }

  /**
   * @param allocationMbPerSecond allocation rate estimated from the allocation samples' weights
   * @param longestPause the longest stop-the-world pause of any collection in the interval
   * @param fullCollections collections of the old generation (or the whole heap) in the interval
   * @param topSites allocation sites by estimated bytes, most first
   * @param sampledBytes the estimated bytes allocated in the interval
   */
  record Summary(
      double allocationMbPerSecond,
      Duration longestPause,
      int fullCollections,
      List<Map.Entry<String, Long>> topSites,
      long sampledBytes) {}
}
