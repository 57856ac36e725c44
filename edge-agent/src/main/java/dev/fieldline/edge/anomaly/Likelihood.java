package dev.fieldline.edge.anomaly;

/**
 * How unusual a raw score's recent average is against its own long-term distribution: a fast moving
 * average of the raw scores, compared with the mean and variance of that average over a slow
 * horizon (Numenta's anomaly likelihood, Ahmad et al. 2017), scored on a log scale.
 */
final class Likelihood {
  private static final double MIN_SIGMA = 0.03;
  private static final double FLOOR_Z = 2.5;
  private final double shortRate;
  private final double longRate;
  private double recent;
  private double mean;
  private double variance;

  Likelihood(double shortRate, double longRate) {
    this.shortRate = shortRate;
    this.longRate = longRate;
  }

  /** Takes a raw score in [0, 1]. */
  void add(double raw) {
    recent += shortRate * (raw - recent);
    double delta = recent - mean;
    mean += longRate * delta;
    variance = (1 - longRate) * (variance + longRate * delta * delta);
  }

  /**
   * {@code log(tail) / log(1e-10)}, clipped to [0, 1]: 0.5 is a one-in-100,000 recent average; 0
   * under about 0.22.
   */
  double score() {
    // A floor on the spread, as Numenta's likelihood has: a series that never varied would
    // otherwise call its first wobble a one-in-a-billion event.
    double z = (recent - mean) / Math.max(Math.sqrt(variance), MIN_SIGMA);
    if (z <= FLOOR_Z) {
      // Within 2.5 standard deviations (a score under 0.22): reported as 0, sparing the tail's
      // exp and log on almost every reading. Smaller errors than usual are no anomaly here.
      return 0;
    }
    return Math.max(0, Math.min(1.0, Math.log(upperTail(z) + 1e-10) / Math.log(1e-10)));
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
