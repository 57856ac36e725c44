package dev.fieldline.simulator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How often each kind of anomaly episode starts, and how long and large episodes are.
 *
 * @param perHour episodes of each kind starting per device and metric per hour (absent: none)
 * @param minDuration shortest episode
 * @param maxDuration longest episode (durations are uniform between the two)
 * @param magnitude how far an episode moves a metric, in units of its noise σ (see {@link
 *     EpisodeKind})
 */
public record EpisodeSettings(
    Map<EpisodeKind, Double> perHour,
    Duration minDuration,
    Duration maxDuration,
    double magnitude) {

  public static final EpisodeSettings NONE =
      new EpisodeSettings(Map.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), 6);

  public EpisodeSettings {
    perHour = Map.copyOf(perHour);
    for (var rate : perHour.entrySet()) {
      if (!(rate.getValue() >= 0)) {
        throw new IllegalArgumentException(
            rate.getKey().id() + ": episodes per hour must be 0 or more");
      }
    }
    if (minDuration.isNegative()
        || minDuration.isZero()
        || maxDuration.compareTo(minDuration) < 0) {
      throw new IllegalArgumentException("episode durations: 0 < min <= max");
    }
    if (!(magnitude > 0)) {
      throw new IllegalArgumentException("episode magnitude must be above 0");
    }
  }

  /** Every kind at {@code perHour}, lasting {@code min} to {@code max}, of {@code magnitude} σ. */
  public static EpisodeSettings everyKind(
      double perHour, Duration min, Duration max, double magnitude) {
    Map<EpisodeKind, Double> rates = new EnumMap<>(EpisodeKind.class);
    for (EpisodeKind kind : EpisodeKind.values()) {
      rates.put(kind, perHour);
    }
    return new EpisodeSettings(rates, min, max, magnitude);
  }

  /**
   * Parses {@code spike=6,level-shift=2} (episodes per device and metric per hour), or a single
   * number for every kind.
   */
  public static Map<EpisodeKind, Double> parseRates(String text) {
    Map<EpisodeKind, Double> rates = new EnumMap<>(EpisodeKind.class);
    if (text.isBlank()) {
      return rates;
    }
    if (!text.contains("=")) {
      double every = Double.parseDouble(text.strip());
      for (EpisodeKind kind : EpisodeKind.values()) {
        rates.put(kind, every);
      }
      return rates;
    }
    for (String pair : text.split(",")) {
      String[] parts = pair.split("=", 2);
      if (parts.length != 2) {
        throw new IllegalArgumentException(
            "episode rates look like spike=6,drift=2 (got " + pair + ")");
      }
      try {
        rates.put(EpisodeKind.fromId(parts[0]), Double.parseDouble(parts[1].strip()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown episode kind or rate in '"
                + pair
                + "'; kinds: spike, level-shift, drift, stuck,"
                + " noise-burst, broken-cycle");
      }
    }
    return rates;
  }

  public boolean any() {
    return perHour.values().stream().anyMatch(rate -> rate > 0);
  }
}
