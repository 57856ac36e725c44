package dev.fieldline.demo;

import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live view: one frame per second, redrawn in place on a terminal (appended, without escape
 * codes, when output is not a terminal). Rates are per second since the previous frame.
 */
final class Console {
  private static final String HOME_AND_CLEAR = "\033[H\033[2J";

  private final PrintStream out;
  private final boolean inPlace;
  private final String logFile;
  private final Map<String, long[]> previous = new HashMap<>();
  private long previousNanos = System.nanoTime();
  private volatile LiveFrame latest;
  private volatile String webUri;

  Console(PrintStream out, boolean inPlace, String logFile) {
    this.out = out;
    this.inPlace = inPlace;
    this.logFile = logFile;
  }

  void frame(
      String phase,
      Duration elapsed,
      Duration total,
      Map<String, RegionStack> stacks,
      Map<String, PipelineWatch> watches,
      ReplicationLag lag) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - previousNanos) / 1e9);
    previousNanos = now;
    StringBuilder f = new StringBuilder();
    if (inPlace) {
      f.append(HOME_AND_CLEAR);
    }
    f.append(
        String.format(
            "Fieldline demo  %s  %ds / %ds   logs: %s%s   Ctrl-C stops%n%n",
            phase,
            elapsed.toSeconds(),
            total.toSeconds(),
            logFile,
            webUri == null ? "" : "   web: " + webUri));
    f.append(
        String.format(
            "%-8s %9s %9s %9s %9s %9s %8s %9s %8s %8s %8s %9s %9s %9s%n",
            "region",
            "sent/s",
            "edge in/s",
            "accepted",
            "rejected",
            "filtered",
            "journal",
            "decisions",
            "p50 ms",
            "p99 ms",
            "p99 run",
            "regional",
            "exported",
            "global in"));
    Map<String, Long> rejects = new TreeMap<>();
    List<LiveFrame.Region> regionFrames = new ArrayList<>();
    for (RegionStack stack : stacks.values()) {
      var edge = stack.edge.counters();
      PipelineWatch watch = watches.get(stack.region);
      long sent = stack.simulator.ledger().readings();
      long received = edge.received.sum();
      long[] last = previous.getOrDefault(stack.region, new long[] {0, 0});
      previous.put(stack.region, new long[] {sent, received});
      watch.decisionLatency.roll();
      var latency = watch.decisionLatency.recent();
      var runLatency = watch.decisionLatency.total();
      long globalIn = watch.globalByOrigin.values().stream().mapToLong(a -> a.get()).sum();
      if (webUri != null) { // the web console's frame asks the brokers for lags: only for it
        regionFrames.add(
            regionFrame(
                stack,
                watch,
                (sent - last[0]) / seconds,
                (received - last[1]) / seconds,
                latency,
                runLatency,
                globalIn));
      }
      f.append(
          String.format(
              "%-8s %9.0f %9.0f %,9d %,9d %,9d %8d %,9d %8s %8s %8s %,9d %,9d %,9d%n",
              stack.region,
              (sent - last[0]) / seconds,
              (received - last[1]) / seconds,
              edge.accepted.sum(),
              edge.rejectedTotal(),
              edge.filteredTotal(),
              stack.edge.journal().outboxCount(),
              watch.decisions.get(),
              percentile(latency, 50),
              percentile(latency, 99),
              percentile(runLatency, 99),
              watch.regionalRecords.get(),
              watch.exportRecords.get(),
              globalIn));
      for (RejectReason reason : RejectReason.values()) {
        rejects.merge(reason.code(), edge.rejected(reason), Long::sum);
      }
    }
    f.append(
        "p50/p99 ms: each edge's decision latency over its last "
            + DecisionLatency.RECENT_SECONDS
            + " s with decisions (p99 run: since start, start-up included), from a reading's MQTT receipt to its"
            + " command's hand-off to the MQTT client (agent-internal)\n");
    f.append("\nrejected by reason: ");
    rejects.forEach(
        (reason, count) -> {
          if (count > 0) {
            f.append(reason).append(' ').append(count).append("  ");
          }
        });
    var lagHistogram = lag.histogram();
    boolean anyLag = lagHistogram.getTotalCount() > 0;
    if (webUri != null) {
      latest =
          new LiveFrame(
              phase,
              elapsed.toSeconds(),
              total.toSeconds(),
              List.copyOf(regionFrames),
              Map.copyOf(rejects),
              new LiveFrame.Lag(
                  anyLag ? lagHistogram.getValueAtPercentile(50) : null,
                  anyLag ? lagHistogram.getValueAtPercentile(99) : null,
                  lagHistogram.getTotalCount()),
              residency(stacks, watches),
              List.of(),
              null);
    }
    f.append(
        String.format(
            "%nreplication lag (export visible -> copy visible in the other region): p50 %s  p99 %s  (%d copies)%n",
            millis(lagHistogram.getTotalCount(), lagHistogram.getValueAtPercentile(50)),
            millis(lagHistogram.getTotalCount(), lagHistogram.getValueAtPercentile(99)),
            lagHistogram.getTotalCount()));
    f.append("\nfeatures learned by the global job, as each edge applied them:\n");
    for (RegionStack stack : stacks.values()) {
      f.append(String.format("  %-8s", stack.region));
      Map<String, FeatureUpdate> board = new TreeMap<>(stack.edge.features().all());
      if (board.isEmpty()) {
        f.append(" (none yet)");
      }
      board.forEach(
          (key, update) ->
              f.append(
                  String.format(
                      " %s v%d (%.2f±%.2f)",
                      key, update.getVersion(), update.getMean(), update.getStddev())));
      f.append(
          String.format(
              "   z-score decisions: %d%n", watches.get(stack.region).zscoreDecisions.get()));
    }
    f.append(
        "\nresidency: site ids inside each region, and as every other region's global view holds them\n");
    for (RegionStack stack : stacks.values()) {
      PipelineWatch own = watches.get(stack.region);
      f.append(
          String.format(
              "  %-8s inside   %s%n", stack.region, sample(own.ownSites, own.ownSites.size())));
      for (PipelineWatch other : watches.values()) {
        if (!other.region.equals(stack.region)) {
          var held = other.sitesByOrigin.getOrDefault(stack.region, java.util.Set.of());
          f.append(
              String.format("  %-8s in %-6s %s%n", "", other.region, sample(held, held.size())));
        }
      }
    }
    out.print(f);
    out.flush();
  }

  private static List<LiveFrame.Residency> residency(
      Map<String, RegionStack> stacks, Map<String, PipelineWatch> watches) {
    List<LiveFrame.Residency> residency = new ArrayList<>();
    for (RegionStack stack : stacks.values()) {
      Map<String, LiveFrame.Sites> heldBy = new TreeMap<>();
      for (PipelineWatch other : watches.values()) {
        if (!other.region.equals(stack.region)) {
          heldBy.put(
              other.region,
              LiveFrame.Sites.of(
                  other.sitesByOrigin.getOrDefault(stack.region, java.util.Set.of())));
        }
      }
      residency.add(
          new LiveFrame.Residency(
              stack.region, LiveFrame.Sites.of(watches.get(stack.region).ownSites), heldBy));
    }
    return residency;
  }

  /** One region's part of the frame, for the web console. */
  private static LiveFrame.Region regionFrame(
      RegionStack stack,
      PipelineWatch watch,
      double sentPerSecond,
      double receivedPerSecond,
      org.HdrHistogram.Histogram latency,
      org.HdrHistogram.Histogram runLatency,
      long globalIn) {
    var edge = stack.edge.counters();
    Map<String, Long> filtered = new TreeMap<>();
    for (dev.fieldline.edge.core.FilterReason reason :
        dev.fieldline.edge.core.FilterReason.values()) {
      filtered.put(reason.code(), edge.filtered(reason));
    }
    List<LiveFrame.Feature> features = new ArrayList<>();
    new TreeMap<>(stack.edge.features().all())
        .forEach(
            (key, update) -> {
              var applied = stack.edge.features().appliedAt(key);
              features.add(
                  new LiveFrame.Feature(
                      key,
                      update.getVersion(),
                      update.getMean(),
                      update.getStddev(),
                      update.getComputedAt().toEpochMilli(),
                      applied == null ? null : applied.toEpochMilli()));
            });
    return new LiveFrame.Region(
        stack.region,
        sentPerSecond,
        receivedPerSecond,
        edge.accepted.sum(),
        edge.rejectedTotal(),
        edge.filteredTotal(),
        filtered,
        stack.edge.journal().outboxCount(),
        watch.decisions.get(),
        millis(latency, 50),
        millis(latency, 99),
        millis(runLatency, 99),
        percentiles(latency),
        watch.consumerLag.of(
            stack.aggregator.applicationId(), dev.fieldline.schema.Topics.EDGE_SUMMARIES.name()),
        watch.regionalRecords.get(),
        watch.exportRecords.get(),
        watch.consumerLag.of(
            Demo.GLOBAL_JOB_NAME + "-" + stack.region,
            dev.fieldline.schema.Topics.REGIONAL_EXPORT.name()),
        globalIn,
        watch.zscoreDecisions.get(),
        features,
        LiveFrame.Quality.of(DetectionQuality.of(stack, watch, false)),
        LiveFrame.Quality.of(DetectionQuality.of(stack, watch, true)));
  }

  /** Names the web console in every frame's first line. */
  void webUri(String uri) {
    this.webUri = uri;
  }

  /** The last frame as data, or null before the first. */
  LiveFrame latest() {
    return latest;
  }

  /** Adds the run's reconciliation to the last frame, for the web console. */
  void reconciled(Reconciliation result, List<Reconciliation.Row> behind) {
    LiveFrame frame = latest;
    if (frame != null) {
      latest = frame.reconciled(result.frameRows(behind), result.verdict(behind));
    }
  }

  private static Double millis(org.HdrHistogram.Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0
        ? null
        : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  /** (percentile, ms) pairs from the median to the maximum, for a latency plot. */
  private static List<double[]> percentiles(org.HdrHistogram.Histogram histogram) {
    List<double[]> points = new ArrayList<>();
    if (histogram.getTotalCount() == 0) {
      return points;
    }
    for (double p : new double[] {50, 75, 90, 95, 99, 99.5, 99.9, 100}) {
      points.add(new double[] {p, histogram.getValueAtPercentile(p) / 1000.0});
    }
    return points;
  }

  /** A few of the values, sorted, each cut to 16 characters, and how many there are. */
  private static String sample(java.util.Collection<String> values, int count) {
    if (count == 0) {
      return "(none yet)";
    }
    return values.stream()
            .sorted()
            .limit(3)
            .map(v -> v.length() > 16 ? v.substring(0, 16) + "…" : v)
            .collect(java.util.stream.Collectors.joining(", "))
        + (count > 3 ? ", …" : "")
        + " ("
        + count
        + ")";
  }

  private static String millis(long count, long value) {
    return count == 0 ? "-" : value + " ms";
  }

  /** A percentile in milliseconds, or "-" before the first decision. */
  private static String percentile(org.HdrHistogram.Histogram histogram, double percentile) {
    Double ms = millis(histogram, percentile);
    return ms == null ? "-" : String.format("%.2f", ms);
  }
}
