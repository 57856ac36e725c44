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
    List<Residency> residency,
    List<ReconciliationRow> reconciliation,
    String verdict) {

  /**
   * What a region keeps of its site ids, and what every other region's global view holds of them
   * (pseudonyms under an EU-style policy).
   */
  record Residency(String region, Sites inside, Map<String, Sites> heldBy) {}

  /** A few site ids, sorted, and how many there are. */
  record Sites(List<String> sample, int count) {
    static Sites of(java.util.Collection<String> ids) {
      return new Sites(ids.stream().sorted().limit(4).toList(), ids.size());
    }
  }

  /** One region's pipeline, left to right. */
  record Region(
      String region,
      double sentPerSecond,
      double edgeInPerSecond,
      long accepted,
      long rejected,
      long filtered,
      Map<String, Long> filteredByReason,
      long journal,
      long decisions,
      Double p50Ms,
      Double p99Ms,
      Double p99RunMs,
      List<double[]> latencyPercentiles,
      Long summariesLag,
      long regional,
      long exported,
      Long exportLag,
      long globalIn,
      long zscoreDecisions,
      List<Feature> features,
      Quality anomalyDetection,
      Quality anomalyDetectionWithoutFeatures) {}

  /**
   * A feature update as this region's edge applied it: learned from data up to {@code computedAt}
   * (the update's horizon end), applied by the edge at {@code appliedAt} (epoch ms; null if loaded
   * from its saved board at start).
   */
  record Feature(
      String key, long version, double mean, double stddev, long computedAt, Long appliedAt) {}

  /**
   * The anomaly rules against the simulator's episodes so far, per kind and together; episodes that
   * began in the detectors' warm-up apart ({@code inWarmUp}, of which {@code detectedInWarmUp}).
   */
  record Quality(
      List<QualityRow> kinds,
      int episodes,
      int detected,
      int inWarmUp,
      int detectedInWarmUp,
      int decisions,
      int outsideEpisodes,
      Double recall,
      Double recallWithWarmUp,
      Double precision) {
    static Quality of(DetectionQuality quality) {
      return new Quality(
          quality.rows.stream()
              .map(
                  row ->
                      new QualityRow(
                          row.kind().id(),
                          row.episodes(),
                          row.detected(),
                          share(row.recall()),
                          row.delay(50) < 0 ? null : row.delay(50),
                          row.delay(95) < 0 ? null : row.delay(95),
                          row.inWarmUp(),
                          row.detectedInWarmUp()))
              .toList(),
          quality.episodes(),
          quality.detected(),
          quality.inWarmUp(),
          quality.detectedInWarmUp(),
          quality.decisions,
          quality.decisions - quality.explained,
          share(quality.recall()),
          share(quality.recallWithWarmUp()),
          share(quality.precision()));
    }

    private static Double share(double value) {
      return Double.isNaN(value) ? null : value;
    }
  }

  /** One kind of episode: how many, how many detected, and how soon. */
  record QualityRow(
      String kind,
      int episodes,
      int detected,
      Double recall,
      Long delayP50Ms,
      Long delayP95Ms,
      int inWarmUp,
      int detectedInWarmUp) {}

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
        residency,
        List.copyOf(rows),
        verdict);
  }
}
