package dev.fieldline.demo;

import java.util.List;
import java.util.Map;

/**
 * What one frame of the console shows, as data: the terminal prints it, the web console serves it
 * as JSON. Latencies in milliseconds, null before the first decision.
 *
 * @param phase running, draining or done
 * @param reconciliation the rows once the run has reconciled, else empty
 * @param verdict the reconciliation's last line once reconciled, else null
 */
record LiveFrame(
    String phase,
    long elapsedSeconds,
    long totalSeconds,
    List<Region> regions,
    Map<String, Long> rejectsByReason,
    Lag replicationLag,
    List<ReconciliationRow> reconciliation,
    String verdict) {

  /** One region's pipeline, left to right. */
  record Region(
      String region,
      double sentPerSecond,
      double edgeInPerSecond,
      long accepted,
      long rejected,
      long filtered,
      long journal,
      long decisions,
      Double p50Ms,
      Double p99Ms,
      Double p99RunMs,
      List<double[]> latencyPercentiles,
      long regional,
      long exported,
      long globalIn,
      long zscoreDecisions,
      List<Feature> features) {}

  /** A feature update as this region's edge applied it. */
  record Feature(String key, long version, double mean, double stddev) {}

  /** Export visible in its region to copy visible in the other region. */
  record Lag(Long p50Ms, Long p99Ms, long copies) {}

  /** One reconciliation equation and its state: ok, BEHIND or MISMATCH. */
  record ReconciliationRow(
      String region,
      String check,
      String leftName,
      long left,
      String rightName,
      long right,
      String state) {}

  LiveFrame reconciled(List<ReconciliationRow> rows, String verdict) {
    return new LiveFrame(
        phase,
        elapsedSeconds,
        totalSeconds,
        regions,
        rejectsByReason,
        replicationLag,
        List.copyOf(rows),
        verdict);
  }
}
