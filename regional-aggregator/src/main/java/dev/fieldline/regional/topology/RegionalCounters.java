package dev.fieldline.regional.topology;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the topology counts beyond Kafka Streams' own metrics. Plain adders so that the topology
 * stays free of any metrics library; the app binds them to Prometheus.
 */
public final class RegionalCounters {
  /** Summaries accepted for the first time. */
  public final LongAdder summariesIn = new LongAdder();

  /** Readings the edges saw go missing before them, from the summaries accepted. */
  public final LongAdder readingsMissing = new LongAdder();

  /** Summaries already seen (same gateway, device, metric and window start), dropped. */
  public final LongAdder duplicates = new LongAdder();

  /**
   * Summaries that arrived after their roll-up window had closed, sent to the dead-letter topic.
   */
  public final LongAdder lateSummaries = new LongAdder();

  /**
   * Summaries whose window lies too far ahead of this instance's clock, sent to the dead letters.
   */
  public final LongAdder futureSummaries = new LongAdder();

  /** Records that could not be decoded, sent to the dead-letter topic. */
  public final LongAdder undecodable = new LongAdder();

  /** Decision events received. */
  public final LongAdder decisionsIn = new LongAdder();

  /** Roll-ups emitted to {@code regional.aggregates}. */
  public final LongAdder aggregatesOut = new LongAdder();

  /** Roll-ups written to {@code regional.export} after the residency policy. */
  public final LongAdder exported = new LongAdder();

  /** Roll-ups the residency policy kept inside the region. */
  public final LongAdder withheld = new LongAdder();

  /**
   * Summaries whose quantile sketch could not be read: rolled up without it (their statistics and
   * counts are good), so the region's quantiles miss their values.
   */
  public final LongAdder unreadableSketches = new LongAdder();

  public Map<String, LongAdder> all() {
    return Map.ofEntries(
        Map.entry("summaries_in", summariesIn),
        Map.entry("readings_missing", readingsMissing),
        Map.entry("duplicates", duplicates),
        Map.entry("late_summaries", lateSummaries),
        Map.entry("future_summaries", futureSummaries),
        Map.entry("undecodable", undecodable),
        Map.entry("decisions_in", decisionsIn),
        Map.entry("aggregates_out", aggregatesOut),
        Map.entry("exported", exported),
        Map.entry("withheld", withheld),
        Map.entry("unreadable_sketches", unreadableSketches));
  }
}
