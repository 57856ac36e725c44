package dev.fieldline.global.job;

/** What the last feature update of a key said; the next one is compared with it. A Flink POJO. */
public class SentFeature {
  public double mean;
  public double stddev;
  public long horizonEnd;

  public SentFeature() {}

  SentFeature(double mean, double stddev, long horizonEnd) {
    this.mean = mean;
    this.stddev = stddev;
    this.horizonEnd = horizonEnd;
  }
}
