package dev.fieldline.schema.stats;

import dev.fieldline.schema.v1.Stats;

/**
 * Mergeable statistics of a stream of values: count, sum, min, max, and Welford's running mean and
 * M2. Two instances built from any split of the same values merge, in any order, into the
 * statistics of all of them (Chan et al.'s parallel update), which is what lets every tier combine
 * partial results without coordination.
 *
 * <p>Mutable and not thread-safe: one owner updates it; {@link #toAvro()} and {@link
 * #fromAvro(Stats)} cross tier boundaries.
 */
public final class RunningStats {
  private long count;
  private double sum;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double mean;
  private double m2;

  public static RunningStats of(double... values) {
    RunningStats stats = new RunningStats();
    for (double value : values) {
      stats.add(value);
    }
    return stats;
  }

  public static RunningStats fromAvro(Stats stats) {
    RunningStats s = new RunningStats();
    s.count = stats.getCount();
    s.sum = stats.getSum();
    s.min = stats.getMin();
    s.max = stats.getMax();
    s.mean = stats.getMean();
    s.m2 = stats.getM2();
    return s;
  }

  /** Merges two Avro statistics into new ones; neither argument changes. */
  public static Stats merge(Stats a, Stats b) {
    return fromAvro(a).merge(fromAvro(b)).toAvro();
  }

  /** Adds one value (Welford's update). */
  public RunningStats add(double value) {
    count++;
    sum += value;
    if (value < min) {
      min = value;
    }
    if (value > max) {
      max = value;
    }
    double delta = value - mean;
    mean += delta / count;
    m2 += delta * (value - mean);
    return this;
  }

  /**
   * Folds {@code other} into this one (Chan et al.'s parallel merge); {@code other} is unchanged.
   */
  public RunningStats merge(RunningStats other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      copyFrom(other);
      return this;
    }
    long total = count + other.count;
    double delta = other.mean - mean;
    mean += delta * other.count / total;
    m2 += other.m2 + delta * delta * ((double) count * other.count / total);
    count = total;
    sum += other.sum;
    min = Math.min(min, other.min);
    max = Math.max(max, other.max);
    return this;
  }

  public RunningStats copy() {
    RunningStats copy = new RunningStats();
    copy.copyFrom(this);
    return copy;
  }

  public void reset() {
    count = 0;
    sum = 0;
    min = Double.POSITIVE_INFINITY;
    max = Double.NEGATIVE_INFINITY;
    mean = 0;
    m2 = 0;
  }

  public Stats toAvro() {
    return new Stats(count, sum, min, max, mean, m2);
  }

  public long count() {
    return count;
  }

  public double sum() {
    return sum;
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public double mean() {
    return mean;
  }

  public double m2() {
    return m2;
  }

  /** Population variance (M2 / n); 0 when fewer than two values. */
  public double variance() {
    return count < 2 ? 0.0 : m2 / count;
  }

  /** Sample variance (M2 / (n - 1)); 0 when fewer than two values. */
  public double sampleVariance() {
    return count < 2 ? 0.0 : m2 / (count - 1);
  }

  public double stddev() {
    return Math.sqrt(variance());
  }

  private void copyFrom(RunningStats other) {
    count = other.count;
    sum = other.sum;
    min = other.min;
    max = other.max;
    mean = other.mean;
    m2 = other.m2;
  }

  @Override
  public String toString() {
    return String.format(
        "RunningStats{count=%d, mean=%.6g, stddev=%.6g, min=%.6g, max=%.6g}",
        count, mean, stddev(), min, max);
  }
}
