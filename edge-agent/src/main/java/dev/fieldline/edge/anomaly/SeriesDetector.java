package dev.fieldline.edge.anomaly;

/**
 * An online anomaly score in [0, 1] for one series, from what it has seen so far only (no
 * look-ahead), in constant time and without allocating.
 *
 * <p>Two signals: a value outside every value seen so far (by more than a margin of the range seen)
 * scores 1; otherwise the one-step prediction error of a fast moving average, in units of its own
 * recent spread, is turned into an anomaly likelihood: how unusual the short-term average error is
 * against its long-term distribution (the likelihood step of Numenta's HTM detector, Ahmad et al.
 * 2017), scored on a log scale. After a score at or above {@code alarm}, the series stays silent
 * for {@code quiet} readings: one condition is one alarm.
 */
public final class SeriesDetector {
  private static final int WARM_UP = 100;
  private static final double MARGIN = 0.05;

  private final DetectorSettings settings;
  private long seen;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double mean;
  private double spread;
  private double rawShort;
  private double rawMean;
  private double rawVar;
  private int quietLeft;

  public SeriesDetector(DetectorSettings settings) {
    this.settings = settings;
  }

  /** Scores {@code value}, then learns it. */
  public double score(double value) {
    seen++;
    if (seen == 1) {
      min = max = mean = value;
      return 0;
    }
    double range = max - min;
    boolean novel =
        seen > WARM_UP
            && (value > max + MARGIN * range || value < min - MARGIN * range)
            && range > 0;
    double error = Math.abs(value - mean);
    double raw =
        spread > 0 ? 1 - Math.exp(-error / (settings.errorScale() * spread)) : (error > 0 ? 1 : 0);
    learn(value, error, raw);
    double score = novel ? 1.0 : likelihoodScore();
    if (quietLeft > 0) {
      quietLeft--;
      return 0;
    }
    if (score >= settings.alarm()) {
      quietLeft = settings.quiet();
    }
    return score;
  }

  private void learn(double value, double error, double raw) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    mean += settings.meanRate() * (value - mean);
    spread += settings.spreadRate() * (error - spread);
    rawShort += settings.shortRate() * (raw - rawShort);
    double delta = rawShort - rawMean;
    rawMean += settings.longRate() * delta;
    rawVar = (1 - settings.longRate()) * (rawVar + settings.longRate() * delta * delta);
  }

  /** {@code log(1 - likelihood) / log(1e-10)}: 0.5 is a one-in-100,000 short-term error. */
  private double likelihoodScore() {
    if (seen <= WARM_UP) {
      return 0;
    }
    double sigma = Math.sqrt(rawVar) + 1e-6;
    double z = (rawShort - rawMean) / sigma;
    double tail = upperTail(z);
    return Math.min(1.0, Math.log(tail + 1e-10) / Math.log(1e-10));
  }

  /** P(Z > z) for a standard normal Z (Abramowitz and Stegun 7.1.26, error under 1.5e-7). */
  static double upperTail(double z) {
    if (z < 0) {
      return 1 - upperTail(-z);
    }
    double x = z / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erfc =
        t
            * (0.254829592
                + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
            * Math.exp(-x * x);
    return erfc / 2;
  }
}
