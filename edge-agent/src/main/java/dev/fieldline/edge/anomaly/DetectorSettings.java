package dev.fieldline.edge.anomaly;

/**
 * How a {@link SeriesDetector} adapts and alarms.
 *
 * @param meanRate how fast the predicting average follows the series (per reading)
 * @param spreadRate how fast the typical prediction error adapts
 * @param errorScale prediction errors are scored in units of this many typical errors
 * @param shortRate the short-term average of the raw score (per reading)
 * @param longRate its long-term mean and variance (per reading)
 * @param slotRate how fast a time-of-day slot's average and spread adapt (per reading in the slot)
 * @param alarm a score at or above it starts the quiet period
 * @param quiet readings scored 0 after an alarm
 * @param fleetPriors whether the global features (the fleet's normal) stand in while a series warms
 *     up; off to measure the detector without them
 */
public record DetectorSettings(
    double meanRate,
    double spreadRate,
    double errorScale,
    double shortRate,
    double longRate,
    double slotRate,
    double alarm,
    int quiet,
    boolean fleetPriors) {

  /** The same with another quiet period. */
  public DetectorSettings withQuiet(int readings) {
    return new DetectorSettings(
        meanRate,
        spreadRate,
        errorScale,
        shortRate,
        longRate,
        slotRate,
        alarm,
        readings,
        fleetPriors);
  }

  /** The same with or without the fleet's normal. */
  public DetectorSettings withFleetPriors(boolean use) {
    return new DetectorSettings(
        meanRate, spreadRate, errorScale, shortRate, longRate, slotRate, alarm, quiet, use);
  }

  public static DetectorSettings defaults() {
    return new DetectorSettings(0.3, 0.01, 6.0, 0.2, 0.001, 0.1, 0.5, 100, true);
  }
}
