package dev.fieldline.demo;

import dev.fieldline.edge.anomaly.SeriesDetector;
import dev.fieldline.simulator.Episode;
import dev.fieldline.simulator.EpisodeKind;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a region's anomaly decisions (rules of type {@code anomaly}) match the simulator's episodes:
 * per kind, the episodes, how many a decision caught, and how long after the episode began; and the
 * decisions no episode explains. Episodes that began within the detector's warm-up (its first
 * {@value SeriesDetector#WARM_UP} readings of a metric, when it scores nothing) are counted apart.
 */
final class DetectionQuality {
  /** A decision may come this many readings after its episode's last: the likelihood averages. */
  static final int LATE_READINGS = 5;

  /** A fired anomaly decision, as it reached edge.decisions. */
  record Decision(String deviceId, String metric, long seq, long eventTime) {}

  /**
   * The demo runs every anomaly rule twice: as configured, and as a shadow rule of this id suffix
   * with the global features withheld, so that the console shows what the loop adds.
   */
  static final String WITHHELD_SUFFIX = "-without-features";

  /** One kind's line. */
  record Row(
      EpisodeKind kind,
      int episodes,
      int detected,
      int inWarmUp,
      int detectedInWarmUp,
      long[] delaysMs) {
    double recall() {
      return episodes == 0 ? Double.NaN : detected / (double) episodes;
    }

    long delay(double percentile) {
      if (delaysMs.length == 0) {
        return -1;
      }
      long[] sorted = delaysMs.clone();
      java.util.Arrays.sort(sorted);
      return sorted[
          (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100 * sorted.length) - 1)];
    }
  }

  final List<Row> rows;
  final int decisions;
  final int explained;

  private DetectionQuality(List<Row> rows, int decisions, int explained) {
    this.rows = rows;
    this.decisions = decisions;
    this.explained = explained;
  }

  static DetectionQuality of(List<Episode> episodes, List<Decision> decisions) {
    Map<String, List<Decision>> byMetric = new HashMap<>();
    for (Decision d : decisions) {
      byMetric.computeIfAbsent(d.deviceId() + "/" + d.metric(), k -> new ArrayList<>()).add(d);
    }
    Map<EpisodeKind, int[]> counts = new EnumMap<>(EpisodeKind.class);
    Map<EpisodeKind, List<Long>> delays = new EnumMap<>(EpisodeKind.class);
    java.util.Set<Decision> used = new java.util.HashSet<>();
    for (Episode e : episodes) {
      int[] c = counts.computeIfAbsent(e.kind(), k -> new int[4]);
      List<Decision> candidates = byMetric.getOrDefault(e.deviceId() + "/" + e.metric(), List.of());
      Decision first = null;
      for (Decision d : candidates) {
        if (d.seq() >= e.firstSeq() && d.seq() <= e.lastSeq() + LATE_READINGS) {
          used.add(d);
          if (first == null || d.seq() < first.seq()) {
            first = d;
          }
        }
      }
      if (e.firstSeq() <= SeriesDetector.WARM_UP) {
        c[2]++;
        if (first != null) {
          c[3]++;
        }
        continue;
      }
      c[0]++;
      if (first != null) {
        c[1]++;
        delays
            .computeIfAbsent(e.kind(), k -> new ArrayList<>())
            .add(Math.max(0, first.eventTime() - e.start()));
      }
    }
    List<Row> rows = new ArrayList<>();
    for (EpisodeKind kind : EpisodeKind.values()) {
      int[] c = counts.getOrDefault(kind, new int[4]);
      long[] d = delays.getOrDefault(kind, List.of()).stream().mapToLong(Long::longValue).toArray();
      rows.add(new Row(kind, c[0], c[1], c[2], c[3], d));
    }
    return new DetectionQuality(rows, decisions.size(), used.size());
  }

  /**
   * A region's quality so far: its fleet's episodes against its edge's anomaly decisions, those of
   * the rules as configured or (withheld) those of their shadows without the global features.
   */
  static DetectionQuality of(RegionStack stack, PipelineWatch watch, boolean withheld) {
    List<Decision> source = withheld ? watch.withheldDecisions : watch.anomalyDecisions;
    List<Decision> decisions;
    synchronized (source) {
      decisions = List.copyOf(source);
    }
    return of(stack.simulator.ledger().episodes(), decisions);
  }

  int episodes() {
    return rows.stream().mapToInt(Row::episodes).sum();
  }

  int detected() {
    return rows.stream().mapToInt(Row::detected).sum();
  }

  double recall() {
    return episodes() == 0 ? Double.NaN : detected() / (double) episodes();
  }

  int inWarmUp() {
    return rows.stream().mapToInt(Row::inWarmUp).sum();
  }

  int detectedInWarmUp() {
    return rows.stream().mapToInt(Row::detectedInWarmUp).sum();
  }

  /** Recall over every episode, those that began while the detectors warmed up included. */
  double recallWithWarmUp() {
    int all = episodes() + inWarmUp();
    return all == 0 ? Double.NaN : (detected() + detectedInWarmUp()) / (double) all;
  }

  /** Share of decisions that fall in an episode. */
  double precision() {
    return decisions == 0 ? Double.NaN : explained / (double) decisions;
  }

  void print(PrintStream out, String region, String which) {
    out.printf(
        "anomaly detection in %s, %s (rules of type anomaly against the simulator's episodes):%n",
        region, which);
    out.printf(
        "  %-13s %8s %8s %7s %10s %10s %9s%n",
        "kind", "episodes", "detected", "recall", "delay p50", "delay p95", "warm-up");
    for (Row row : rows) {
      out.printf(
          "  %-13s %8d %8d %7s %10s %10s %9s%n",
          row.kind().id(),
          row.episodes(),
          row.detected(),
          percent(row.recall()),
          millis(row.delay(50)),
          millis(row.delay(95)),
          row.detectedInWarmUp() + "/" + row.inWarmUp());
    }
    out.printf(
        "  all           %8d %8d %7s %21s %9s; %d decisions, %d outside any episode,"
            + " precision %s%n",
        episodes(),
        detected(),
        percent(recall()),
        "",
        detectedInWarmUp() + "/" + inWarmUp(),
        decisions,
        decisions - explained,
        percent(precision()));
  }

  /** One line: what the global features add to the same detector, in the same run. */
  static void printLoop(
      PrintStream out, String region, DetectionQuality with, DetectionQuality without) {
    out.printf(
        "what the global features add in %s: recall %s -> %s (with the warm-up %s -> %s),"
            + " precision %s -> %s%n",
        region,
        percent(without.recall()),
        percent(with.recall()),
        percent(without.recallWithWarmUp()),
        percent(with.recallWithWarmUp()),
        percent(without.precision()),
        percent(with.precision()));
  }

  private static String percent(double share) {
    return Double.isNaN(share) ? "-" : String.format("%.0f%%", 100 * share);
  }

  private static String millis(long ms) {
    return ms < 0 ? "-" : ms + " ms";
  }
}
