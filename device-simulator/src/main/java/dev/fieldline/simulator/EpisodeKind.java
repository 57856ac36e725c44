package dev.fieldline.simulator;

import java.util.Locale;

/**
 * The kinds of anomaly episode a simulated metric goes through, each with a start and an end.
 * Magnitudes are in units of the metric's noise (its standard deviation, σ), times the episode's
 * {@code magnitude} setting ({@code m}, default 6).
 */
public enum EpisodeKind {
  /** One reading off by ±m σ (the episode lasts one reading, whatever its duration). */
  SPIKE,
  /** Every reading off by the same ±m σ, from start to end. */
  LEVEL_SHIFT,
  /** Off by a growing amount, from 0 at the start to ±m σ at the end. */
  DRIFT,
  /** The sensor sticks: every reading repeats the value it had at the start. */
  STUCK,
  /** The noise grows to m times its usual σ. */
  NOISE_BURST,
  /**
   * The daily cycle runs backwards (its phase turned by half a day): ordinary values, wrong hour.
   */
  BROKEN_CYCLE;

  /** The name in settings and reports, e.g. {@code level-shift}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static EpisodeKind fromId(String id) {
    return valueOf(id.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
